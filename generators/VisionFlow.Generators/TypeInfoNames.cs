using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis;

namespace VisionFlow.Generators;

/// <summary>
/// Names the <c>JsonTypeInfo</c> property the System.Text.Json source generator emits for a type, by its rules:
/// the simple type name; arrays append <c>Array</c> (<c>Array2D</c>… for higher ranks) to the element's name;
/// generic types append the names of all their type arguments, outer types' arguments first.
/// </summary>
internal static class TypeInfoNames
{
    public static string For(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol array)
        {
            var suffix = array.Rank == 1 ? "Array" : "Array" + array.Rank + "D";
            return For(array.ElementType) + suffix;
        }

        if (type is not INamedTypeSymbol named || !IsGenericInScope(named))
        {
            return type.Name;
        }

        var builder = new StringBuilder(named.Name);
        foreach (var argument in TypeArgumentsInScope(named))
        {
            builder.Append(For(argument));
        }

        return builder.ToString();
    }

    private static bool IsGenericInScope(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.TypeArguments.Length > 0)
            {
                return true;
            }
        }

        return false;
    }

    private static List<ITypeSymbol> TypeArgumentsInScope(INamedTypeSymbol type)
    {
        var chain = new List<INamedTypeSymbol>();
        for (var current = type; current is not null; current = current.ContainingType)
        {
            chain.Add(current);
        }

        var arguments = new List<ITypeSymbol>();
        for (var i = chain.Count - 1; i >= 0; i--)
        {
            arguments.AddRange(chain[i].TypeArguments);
        }

        return arguments;
    }
}
