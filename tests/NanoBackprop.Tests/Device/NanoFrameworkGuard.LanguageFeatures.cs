using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NanoBackprop.Tests;

/// <summary>
/// Rule 2: language features the library must not use. nanoFramework.CoreLibrary 1.17 has no
/// generics (and so no LINQ, Span&lt;T&gt;, Nullable&lt;T&gt;, ValueTuple or Task), no unsafe code,
/// no multi-dimensional arrays, no decimal, and no single-precision float in a bit-exact library;
/// string interpolation needs handler types or string.Format. Lambdas are out as a rule: a
/// closure allocates on the small device heap at every call, and nanoFramework's delegates are
/// limited; write a named method. Local functions, jagged arrays, simple pattern matching and
/// <c>is not null</c> are fine.
/// </summary>
internal sealed partial class NanoFrameworkGuard
{
    internal const string GenericDeclaration = "generic declaration (nanoFramework 1.x has no generics)";
    internal const string GenericType = "constructed generic type (nanoFramework 1.x has no generics)";
    internal const string GenericMethodCall = "generic method call (nanoFramework 1.x has no generics)";
    internal const string Linq = "LINQ (needs generics)";
    internal const string Stackalloc = "stackalloc";
    internal const string UnsafeCode = "unsafe code";
    internal const string Pointer = "pointer";
    internal const string Fixed = "fixed";
    internal const string MultiDimensionalArray = "multi-dimensional array (use a jagged or flat array)";
    internal const string Tuple = "tuple (ValueTuple needs generics)";
    internal const string Record = "record";
    internal const string Async = "async/await";
    internal const string Dynamic = "dynamic";
    internal const string Iterator = "iterator (yield)";
    internal const string NullableValueType = "Nullable<T> (T? of a value type)";
    internal const string Decimal = "decimal";
    internal const string Float = "float (single precision: not bit-exact with the device)";
    internal const string StringInterpolation = "string interpolation (needs handler types or string.Format)";
    internal const string DefaultInterfaceMember = "default interface member (an interface member with a body)";
    internal const string Lambda = "lambda or anonymous method (a closure allocates per call; use a named method)";

    /// <summary>Rule 2 over every file of the library.</summary>
    internal static IEnumerable<Finding> LanguageFeatureFindings(CSharpCompilation library)
    {
        var findings = new List<Finding>();
        foreach (SyntaxTree tree in library.SyntaxTrees)
        {
            SemanticModel model = library.GetSemanticModel(tree);
            foreach (SyntaxNode node in tree.GetRoot().DescendantNodes())
            {
                foreach (string reason in SyntaxReasons(node, model))
                {
                    findings.Add(At(node, reason));
                }

                if (node is ExpressionSyntax expression)
                {
                    foreach (string reason in TypeReasons(expression, model))
                    {
                        findings.Add(At(node, reason));
                    }
                }
            }
        }

        return findings;
    }

    // Features visible in the syntax itself.
    private static IEnumerable<string> SyntaxReasons(SyntaxNode node, SemanticModel model)
    {
        switch (node)
        {
            case TypeDeclarationSyntax { TypeParameterList: not null }:
            case MethodDeclarationSyntax { TypeParameterList: not null }:
            case DelegateDeclarationSyntax { TypeParameterList: not null }:
            case LocalFunctionStatementSyntax { TypeParameterList: not null }:
                yield return GenericDeclaration;
                break;
            case QueryExpressionSyntax:
                yield return Linq;
                break;
            case StackAllocArrayCreationExpressionSyntax or ImplicitStackAllocArrayCreationExpressionSyntax:
                yield return Stackalloc;
                break;
            case UnsafeStatementSyntax:
                yield return UnsafeCode;
                break;
            case PointerTypeSyntax or FunctionPointerTypeSyntax or MemberAccessExpressionSyntax { RawKind: (int)SyntaxKind.PointerMemberAccessExpression }:
            case PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression or (int)SyntaxKind.PointerIndirectionExpression }:
                yield return Pointer;
                break;
            case FixedStatementSyntax:
                yield return Fixed;
                break;
            case ArrayRankSpecifierSyntax { Rank: > 1 }:
            case ImplicitArrayCreationExpressionSyntax { Commas.Count: > 0 }:
                yield return MultiDimensionalArray;
                break;
            case TupleTypeSyntax or TupleExpressionSyntax or ParenthesizedVariableDesignationSyntax:
                yield return Tuple;
                break;
            case RecordDeclarationSyntax:
                yield return Record;
                break;
            case AwaitExpressionSyntax:
                yield return Async;
                break;
            case YieldStatementSyntax:
                yield return Iterator;
                break;
            case InterpolatedStringExpressionSyntax:
                yield return StringInterpolation;
                break;
            case LambdaExpressionSyntax or AnonymousMethodExpressionSyntax:
                yield return Lambda;
                break;
            case NullableTypeSyntax nullable when model.GetTypeInfo(nullable).Type?.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T:
                yield return NullableValueType;
                break;
        }

        if (node is MemberDeclarationSyntax member)
        {
            if (member.Modifiers.Any(SyntaxKind.UnsafeKeyword))
            {
                yield return UnsafeCode;
            }

            if (member.Modifiers.Any(SyntaxKind.FixedKeyword))
            {
                yield return Fixed;
            }

            if (member.Modifiers.Any(SyntaxKind.AsyncKeyword))
            {
                yield return Async;
            }

            if (member.Parent is InterfaceDeclarationSyntax && HasBody(member))
            {
                yield return DefaultInterfaceMember;
            }
        }

        if (node is LocalFunctionStatementSyntax localFunction && localFunction.Modifiers.Any(SyntaxKind.AsyncKeyword))
        {
            yield return Async;
        }

        if (node is AnonymousFunctionExpressionSyntax { AsyncKeyword.RawKind: (int)SyntaxKind.AsyncKeyword })
        {
            yield return Async;
        }

        if (node is InvocationExpressionSyntax invocation
            && model.GetOperation(invocation) is IInvocationOperation { TargetMethod.IsGenericMethod: true })
        {
            // Also catches calls whose type arguments are inferred, which no GenericNameSyntax shows.
            yield return GenericMethodCall;
        }
    }

    private static bool HasBody(MemberDeclarationSyntax member)
    {
        return member switch
        {
            BaseMethodDeclarationSyntax method => method.Body != null || method.ExpressionBody != null,
            PropertyDeclarationSyntax property => property.ExpressionBody != null || AccessorsHaveBodies(property.AccessorList),
            IndexerDeclarationSyntax indexer => indexer.ExpressionBody != null || AccessorsHaveBodies(indexer.AccessorList),
            EventDeclarationSyntax eventDeclaration => AccessorsHaveBodies(eventDeclaration.AccessorList),
            _ => false,
        };
    }

    private static bool AccessorsHaveBodies(AccessorListSyntax? accessors)
    {
        return accessors != null && accessors.Accessors.Any(a => a.Body != null || a.ExpressionBody != null);
    }

    // Features visible in what an expression or type binds to, whether or not the source spells
    // it out (var, inferred type arguments, literals such as 1f or 1m).
    private static IEnumerable<string> TypeReasons(ExpressionSyntax expression, SemanticModel model)
    {
        TypeInfo typeInfo = model.GetTypeInfo(expression);
        ISymbol? symbol = model.GetSymbolInfo(expression).Symbol;
        var reasons = new HashSet<string>();
        AddTypeReasons(typeInfo.Type, reasons);
        AddTypeReasons(typeInfo.ConvertedType, reasons);
        if (symbol is ITypeSymbol namedType)
        {
            AddTypeReasons(namedType, reasons);
        }

        if (symbol is IMethodSymbol && symbol.ContainingNamespace?.ToDisplayString() == "System.Linq")
        {
            reasons.Add(Linq);
        }

        if (symbol is IMethodSymbol { IsGenericMethod: true } && expression is GenericNameSyntax)
        {
            reasons.Add(GenericMethodCall);
        }

        return reasons;
    }

    private static void AddTypeReasons(ITypeSymbol? type, HashSet<string> reasons)
    {
        switch (type)
        {
            case null:
                return;
            case IArrayTypeSymbol array:
                if (array.Rank > 1)
                {
                    reasons.Add(MultiDimensionalArray);
                }

                AddTypeReasons(array.ElementType, reasons);
                return;
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                reasons.Add(Pointer);
                return;
            case IDynamicTypeSymbol:
                reasons.Add(Dynamic);
                return;
        }

        switch (type.SpecialType)
        {
            case SpecialType.System_Single:
                reasons.Add(Float);
                return;
            case SpecialType.System_Decimal:
                reasons.Add(Decimal);
                return;
        }

        if (type is not INamedTypeSymbol { IsGenericType: true } generic)
        {
            return;
        }

        string definition = generic.OriginalDefinition.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
        if (generic.IsTupleType || definition.StartsWith("global::System.ValueTuple<", StringComparison.Ordinal))
        {
            reasons.Add(Tuple);
        }
        else if (generic.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            reasons.Add(NullableValueType);
        }
        else
        {
            reasons.Add(GenericType);
        }

        foreach (ITypeSymbol argument in generic.TypeArguments)
        {
            AddTypeReasons(argument, reasons);
        }
    }
}
