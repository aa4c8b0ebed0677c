namespace VisionFlow.Physics.Tests;

/// <summary>Inputs that break naive layouts; each case says what must hold besides "no NaN".</summary>
internal static class DegenerateGraphs
{
    public sealed record Case(string Name, Func<LayoutGraph> Build, Func<LayoutGraph, Task> Check)
    {
        public override string ToString() => Name;
    }

    public static IEnumerable<Func<Case>> All()
    {
        yield return () => new Case("empty graph", () => new LayoutGraph([], [0], [], []), static _ => Task.CompletedTask);
        yield return () => new Case("single node far out", () =>
        {
            var g = new LayoutGraph([LayoutGraph.AgentBit], [0, 0], [], []);
            g.SetPosition(0, 5e5f, 0, 0);
            return g;
        }, async g => await Assert.That(g.X[0]).IsLessThan(5e5f));
        yield return () => new Case("coincident nodes", () =>
        {
            var g = LayoutGraph.FromEdges([0u, 1u, 2u, LayoutGraph.AgentBit | 3], [(0, 1, 1f)]);
            for (var i = 0; i < 4; i++) g.SetPosition(i, 5, 5, 5);
            return g;
        }, async g =>
        {
            // Deterministic separation: every pair has moved apart.
            await Assert.That(TestGraphs.Distance(g, 0, 1)).IsGreaterThan(0.01f);
            await Assert.That(TestGraphs.Distance(g, 2, 3)).IsGreaterThan(0.01f);
        });
        yield return () => new Case("no edges", () =>
        {
            var g = new LayoutGraph([0u, 1u, 2u], [0, 0, 0, 0], [], []);
            g.SetPosition(1, 1, 0, 0);
            g.SetPosition(2, 0, 1, 0);
            return g;
        }, static _ => Task.CompletedTask);
        yield return () => new Case("self loops", () =>
        {
            var g = new LayoutGraph([0u, 1u], [0, 2, 3], [0, 1, 1], [1f, 1f, 5f]);
            g.SetPosition(0, 10, 0, 0);
            g.SetPosition(1, -10, 0, 0);
            return g;
        }, static _ => Task.CompletedTask);
        yield return () => new Case("huge and non-finite weights", () =>
        {
            var g = LayoutGraph.FromEdges([0u, 1u, 2u, 3u], [(0, 1, 1e30f), (1, 2, float.PositiveInfinity), (2, 3, float.NaN), (3, 0, -5f)]);
            g.SetPosition(0, 0, 0, 0); g.SetPosition(1, 1000, 0, 0); g.SetPosition(2, 0, 1000, 0); g.SetPosition(3, 0, 0, 1000);
            return g;
        }, static _ => Task.CompletedTask);
        yield return () => new Case("NaN and infinite positions", () =>
        {
            var g = LayoutGraph.FromEdges([0u, 1u, 2u, LayoutGraph.AgentBit | 3], [(0, 1, 1f), (2, 3, 1f)]);
            g.SetPosition(0, float.NaN, 0, 0);
            g.SetPosition(1, float.PositiveInfinity, float.NegativeInfinity, 1);
            g.SetPosition(2, 3e38f, -3e38f, 3e38f);
            g.VX[3] = float.NaN;
            g.MarkPositionsDirty(3, 1);
            return g;
        }, static _ => Task.CompletedTask);
    }
}
