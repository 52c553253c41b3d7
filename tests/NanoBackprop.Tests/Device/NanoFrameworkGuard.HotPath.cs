using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NanoBackprop.Tests;

/// <summary>
/// Rule 3: the training path is integer-only, so that the desktop and an ESP32 compute the same
/// bits (docs/ENGINE.md). System.Math runs in single precision on the ESP32 and double is
/// emulated in software there; either would break bit-exactness and speed. The hot path is
/// Network's Forward, Backward, Learn, ApplyGradients and ClearGradients with every library member
/// they reach, and every member of Sigmoid, Tanh and Activations. Q16.FromDouble and ToDouble may
/// use double because they configure and inspect, and the training path never calls them (if it
/// did, the walk would reach them and report their double).
/// </summary>
internal sealed partial class NanoFrameworkGuard
{
    internal const string HotPathFloatingPoint = "double or float in the bit-exact hot path";
    internal const string HotPathMath = "System.Math in the bit-exact hot path";

    internal static readonly IReadOnlyList<string> HotNetworkMethods = new[] { "Forward", "Backward", "Learn", "ApplyGradients", "ClearGradients" };
    internal static readonly IReadOnlyList<string> HotClasses = new[] { "Sigmoid", "Tanh", "Activations" };

    /// <summary>Rule 3: each hot member's code, with the route by which it is hot.</summary>
    internal static IEnumerable<Finding> HotPathFindings(CSharpCompilation library)
    {
        var findings = new List<Finding>();
        var libraryTypes = TypesDeclaredIn(library.Assembly.GlobalNamespace).ToList();
        var visited = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        var queue = new Queue<(ISymbol Member, string Route)>();

        // Every line of a hot class is hot, field initializers and constants included.
        foreach (INamedTypeSymbol type in libraryTypes.Where(t => HotClasses.Contains(t.Name)))
        {
            foreach (SyntaxReference declaration in type.DeclaringSyntaxReferences)
            {
                findings.AddRange(ScanHotCode(library, declaration.GetSyntax(), "class " + type.Name));
            }

            foreach (ISymbol member in type.GetMembers().Where(m => m is IMethodSymbol or IPropertySymbol))
            {
                visited.Add(member);
                queue.Enqueue((member, type.Name + "." + member.Name));
            }
        }

        foreach (INamedTypeSymbol network in libraryTypes.Where(t => t.Name == "Network"))
        {
            foreach (IMethodSymbol method in network.GetMembers().OfType<IMethodSymbol>().Where(m => HotNetworkMethods.Contains(m.Name)))
            {
                if (visited.Add(method))
                {
                    queue.Enqueue((method, "Network." + method.Name));
                }
            }
        }

        // Breadth first, so each member is reported with its shortest route from a root.
        while (queue.Count > 0)
        {
            (ISymbol member, string route) = queue.Dequeue();
            var declarations = member.DeclaringSyntaxReferences.Select(reference => reference.GetSyntax()).ToList();
            if (!HotClasses.Contains(member.ContainingType.Name))
            {
                foreach (SyntaxNode declaration in declarations)
                {
                    findings.AddRange(ScanHotCode(library, declaration, route));
                }
            }

            foreach (ISymbol callee in LibraryMembersCalledIn(library, declarations))
            {
                if (visited.Add(callee))
                {
                    queue.Enqueue((callee, route + " → " + callee.ContainingType.Name + "." + callee.Name));
                }
            }
        }

        return findings;
    }

    private static IEnumerable<INamedTypeSymbol> TypesDeclaredIn(INamespaceSymbol ns)
    {
        foreach (INamespaceOrTypeSymbol member in ns.GetMembers())
        {
            if (member is INamespaceSymbol inner)
            {
                foreach (INamedTypeSymbol type in TypesDeclaredIn(inner))
                {
                    yield return type;
                }
            }
            else if (member is INamedTypeSymbol type)
            {
                foreach (INamedTypeSymbol nestedOrSelf in WithNestedTypes(type))
                {
                    yield return nestedOrSelf;
                }
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> WithNestedTypes(INamedTypeSymbol type)
    {
        yield return type;
        foreach (INamedTypeSymbol nested in type.GetTypeMembers().SelectMany(WithNestedTypes))
        {
            yield return nested;
        }
    }

    // Methods, constructors and properties of the library that this code calls or reads: by name,
    // through new, through a constructor initializer or an indexer. An accessor counts as its property.
    private static IEnumerable<ISymbol> LibraryMembersCalledIn(CSharpCompilation library, IEnumerable<SyntaxNode> declarations)
    {
        foreach (SyntaxNode declaration in declarations)
        {
            SemanticModel model = library.GetSemanticModel(declaration.SyntaxTree);
            foreach (SyntaxNode node in declaration.DescendantNodesAndSelf())
            {
                if (node is not (SimpleNameSyntax or BaseObjectCreationExpressionSyntax or ConstructorInitializerSyntax or ElementAccessExpressionSyntax))
                {
                    continue;
                }

                ISymbol? symbol = model.GetSymbolInfo(node).Symbol;
                if (symbol is IMethodSymbol { AssociatedSymbol: IPropertySymbol property })
                {
                    symbol = property;
                }

                if (symbol is (IMethodSymbol { MethodKind: not (MethodKind.LocalFunction or MethodKind.AnonymousFunction) } or IPropertySymbol)
                    && IsFromLibrary(symbol, library))
                {
                    yield return symbol.OriginalDefinition;
                }
            }
        }
    }

    private static IEnumerable<Finding> ScanHotCode(CSharpCompilation library, SyntaxNode code, string route)
    {
        SemanticModel model = library.GetSemanticModel(code.SyntaxTree);
        foreach (SyntaxNode node in code.DescendantNodesAndSelf())
        {
            if (node is ExpressionSyntax expression)
            {
                TypeInfo typeInfo = model.GetTypeInfo(expression);
                if (IsFloatingPoint(typeInfo.Type) || IsFloatingPoint(typeInfo.ConvertedType))
                {
                    yield return At(node, HotPathFloatingPoint + " (" + route + ")");
                }
            }

            // The members, not the type name, so that Math.Sqrt(x) is one finding.
            ISymbol? symbol = model.GetSymbolInfo(node).Symbol;
            if (symbol is not INamedTypeSymbol && symbol?.ContainingType?.ToDisplayString() is "System.Math" or "System.MathF")
            {
                yield return At(node, HotPathMath + ": " + symbol.ToDisplayString() + " (" + route + ")");
            }
        }
    }

    private static bool IsFloatingPoint(ITypeSymbol? type)
    {
        return type?.SpecialType is SpecialType.System_Double or SpecialType.System_Single;
    }
}
