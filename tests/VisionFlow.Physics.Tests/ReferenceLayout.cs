namespace VisionFlow.Physics.Tests;

/// <summary>An O(n²) transcription of the README formulas in double precision, to check the grid path against.</summary>
internal static class ReferenceLayout
{
    public static void Step(LayoutGraph g, PhysicsParameters p)
    {
        var n = g.NodeCount;
        var f = new double[n, 3];
        for (var i = 0; i < n; i++)
        {
            var np = p.For(g.Ids[i]);
            for (var j = 0; j < n; j++)
            {
                if (j == i) continue;
                double dx = g.X[i] - g.X[j], dy = g.Y[i] - g.Y[j], dz = g.Z[i] - g.Z[j];
                var d2 = dx * dx + dy * dy + dz * dz;
                if (d2 >= np.RepulsionCutoff * np.RepulsionCutoff || d2 < 1e-6) continue;
                var mag = Math.Min(np.RepelK / (d2 + p.Epsilon), np.MaxForce);
                if (g.IsAgent(i) != g.IsAgent(j)) mag *= p.CrossGraphRepulsion;
                var d = Math.Sqrt(d2);
                f[i, 0] += dx / d * mag; f[i, 1] += dy / d * mag; f[i, 2] += dz / d * mag;
            }
            for (var e = g.EdgeOffsets[i]; e < g.EdgeOffsets[i + 1]; e++)
            {
                var j = g.EdgeTargets[e];
                if (j == i) continue;
                double dx = g.X[j] - g.X[i], dy = g.Y[j] - g.Y[i], dz = g.Z[j] - g.Z[i];
                var d = Math.Sqrt(dx * dx + dy * dy + dz * dz);
                var rest = np.RestLength * PairMath.RestScale(g.EdgeOffsets[i + 1] - g.EdgeOffsets[i], g.EdgeOffsets[j + 1] - g.EdgeOffsets[j]);
                var s = np.SpringK * (d - rest) * g.EdgeWeights[e];
                if (g.IsAgent(i) != g.IsAgent(j)) s *= p.CrossGraphSpring;
                f[i, 0] += dx / d * s; f[i, 1] += dy / d * s; f[i, 2] += dz / d * s;
            }
            f[i, 0] -= np.CenterGravityK * g.X[i]; f[i, 1] -= np.CenterGravityK * g.Y[i]; f[i, 2] -= np.CenterGravityK * g.Z[i];
            var fm = Math.Sqrt(f[i, 0] * f[i, 0] + f[i, 1] * f[i, 1] + f[i, 2] * f[i, 2]);
            if (fm > np.MaxForce) { f[i, 0] *= np.MaxForce / fm; f[i, 1] *= np.MaxForce / fm; f[i, 2] *= np.MaxForce / fm; }
        }
        for (var i = 0; i < n; i++)
        {
            if (g.Pinned[i]) { g.VX[i] = g.VY[i] = g.VZ[i] = 0; continue; }
            var np = p.For(g.Ids[i]);
            double vx = (g.VX[i] + f[i, 0] * p.Dt) * np.Damping, vy = (g.VY[i] + f[i, 1] * p.Dt) * np.Damping, vz = (g.VZ[i] + f[i, 2] * p.Dt) * np.Damping;
            var s = Math.Sqrt(vx * vx + vy * vy + vz * vz);
            if (s > np.MaxVelocity) { vx *= np.MaxVelocity / s; vy *= np.MaxVelocity / s; vz *= np.MaxVelocity / s; }
            g.VX[i] = (float)vx; g.VY[i] = (float)vy; g.VZ[i] = (float)vz;
            g.X[i] += (float)(vx * p.Dt); g.Y[i] += (float)(vy * p.Dt); g.Z[i] += (float)(vz * p.Dt);
        }
    }
}
