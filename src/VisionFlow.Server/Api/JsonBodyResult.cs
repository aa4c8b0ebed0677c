using Microsoft.AspNetCore.Http;

namespace VisionFlow.Server.Api;

/// <summary>A parsed request body, or the problem response explaining why it was refused.</summary>
internal readonly record struct JsonBodyResult<T>(T? Value, IResult? Problem)
    where T : class
{
    public static implicit operator JsonBodyResult<T>((T? Value, IResult? Problem) tuple) => new(tuple.Value, tuple.Problem);
}
