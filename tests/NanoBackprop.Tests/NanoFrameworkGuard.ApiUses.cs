using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace NanoBackprop.Tests;

/// <summary>
/// One use of a type or member from outside the library. <paramref name="Implicitly"/> says what
/// the compiler uses it for when the source does not name it (null when the source names it).
/// </summary>
internal sealed record ApiUse(string Path, int Line, string DocumentationId, ISymbol Symbol, string? Implicitly)
{
    public string HowDescription => Implicitly == null ? string.Empty : " (used implicitly: " + Implicitly + ")";
}

/// <summary>Rule 1: collects every API from outside the library, named or implicit.</summary>
internal sealed partial class NanoFrameworkGuard
{
    /// <summary>
    /// Every type and member from outside the library that the sources use: named in code,
    /// attributes and documentation references (the nanoFramework build resolves those against its
    /// mscorlib too), and called implicitly by constructs the compiler lowers to library calls.
    /// </summary>
    internal static IReadOnlyList<ApiUse> ExternalApiUses(CSharpCompilation library)
    {
        var collector = new ApiUseCollector(library);
        foreach (SyntaxTree tree in library.SyntaxTrees)
        {
            collector.CollectFrom(tree);
        }

        return collector.Uses;
    }

    private sealed class ApiUseCollector
    {
        private readonly CSharpCompilation library;
        private readonly HashSet<(string Path, int Line, string Id)> seen = new();
        private SemanticModel model = null!;

        public ApiUseCollector(CSharpCompilation library)
        {
            this.library = library;
        }

        public List<ApiUse> Uses { get; } = new();

        public void CollectFrom(SyntaxTree tree)
        {
            model = library.GetSemanticModel(tree);
            SyntaxNode root = tree.GetRoot();
            foreach (SyntaxNode node in root.DescendantNodes(descendIntoTrivia: true))
            {
                CollectNamed(node);
            }

            foreach (SyntaxNode node in root.DescendantNodes())
            {
                // Each operation tree once, from its root (a member body, an initializer, an attribute).
                IOperation? operation = model.GetOperation(node);
                if (operation != null && operation.Parent == null)
                {
                    foreach (IOperation part in operation.DescendantsAndSelf())
                    {
                        CollectCalled(part);
                    }
                }
            }
        }

        // What the source names: types, members, attribute constructors, documentation crefs, and
        // what a declaration brings with it (base types, attributes the compiler writes).
        private void CollectNamed(SyntaxNode node)
        {
            switch (node)
            {
                case SimpleNameSyntax or PredefinedTypeSyntax:
                    Add(node, model.GetSymbolInfo(node).Symbol, null);
                    break;
                case AttributeSyntax attribute:
                    ISymbol? constructor = model.GetSymbolInfo(attribute).Symbol;
                    Add(attribute, constructor, null);
                    Add(attribute, constructor?.ContainingType, null);
                    break;
                case CrefSyntax cref when cref.Parent is XmlCrefAttributeSyntax:
                    Add(cref, model.GetSymbolInfo(cref).Symbol, null);
                    break;
                case BaseTypeDeclarationSyntax or DelegateDeclarationSyntax:
                    CollectDeclarationImplicits(node, model.GetDeclaredSymbol(node) as INamedTypeSymbol);
                    break;
                case ParameterSyntax parameter when parameter.Modifiers.Any(SyntaxKind.ParamsKeyword):
                    AddAttributeConstructor(parameter, "System.ParamArrayAttribute", "a params parameter is marked with it");
                    break;
                case ParameterSyntax parameter when parameter.Modifiers.Any(SyntaxKind.ThisKeyword):
                    AddAttributeConstructor(parameter, "System.Runtime.CompilerServices.ExtensionAttribute", "an extension method is marked with it");
                    break;
            }
        }

        private void CollectDeclarationImplicits(SyntaxNode declaration, INamedTypeSymbol? type)
        {
            if (type?.BaseType == null)
            {
                return;
            }

            // Object for classes, ValueType for structs, Enum for enums, MulticastDelegate for delegates.
            Add(declaration, type.BaseType, "base type of " + type.Name);
            if (type.TypeKind == TypeKind.Enum)
            {
                Add(declaration, type.EnumUnderlyingType, "underlying type of " + type.Name);
            }

            // A class without a constructor gets one that calls its base's parameterless constructor.
            // (Written constructors show their implicit base() call as an operation.)
            if (type.TypeKind == TypeKind.Class && !type.IsStatic && type.InstanceConstructors.Any(c => c.IsImplicitlyDeclared))
            {
                Add(declaration, type.BaseType.InstanceConstructors.FirstOrDefault(c => c.Parameters.IsEmpty), "default constructor of " + type.Name);
            }
        }

        private void AddAttributeConstructor(SyntaxNode at, string attributeType, string why)
        {
            INamedTypeSymbol? attribute = library.GetTypeByMetadataName(attributeType);
            Add(at, attribute?.InstanceConstructors.FirstOrDefault(c => c.Parameters.IsEmpty), why);
        }

        // What the code calls or touches, including calls the compiler inserts (IOperation shows
        // implicit base() constructor calls) and the lowerings modelled below.
        private void CollectCalled(IOperation operation)
        {
            switch (operation)
            {
                case IInvocationOperation invocation:
                    Add(operation.Syntax, invocation.TargetMethod, invocation.IsImplicit ? "a call the compiler inserts" : null);
                    break;
                case IObjectCreationOperation creation:
                    Add(operation.Syntax, creation.Constructor, null);
                    break;
                case IPropertyReferenceOperation property:
                    Add(operation.Syntax, property.Property, null);
                    break;
                case IFieldReferenceOperation field:
                    Add(operation.Syntax, field.Field, null);
                    break;
                case IEventReferenceOperation eventReference:
                    Add(operation.Syntax, eventReference.Event, null);
                    break;
                case IMethodReferenceOperation method:
                    Add(operation.Syntax, method.Method, null);
                    break;
                case IBinaryOperation { OperatorMethod: not null } binary:
                    Add(operation.Syntax, binary.OperatorMethod, "operator");
                    break;
                case IUnaryOperation { OperatorMethod: not null } unary:
                    Add(operation.Syntax, unary.OperatorMethod, "operator");
                    break;
                case IConversionOperation { OperatorMethod: not null } conversion:
                    Add(operation.Syntax, conversion.OperatorMethod, "conversion operator");
                    break;
                case ICompoundAssignmentOperation { OperatorMethod: not null } compound:
                    Add(operation.Syntax, compound.OperatorMethod, "operator");
                    break;
                case IIncrementOrDecrementOperation { OperatorMethod: not null } increment:
                    Add(operation.Syntax, increment.OperatorMethod, "operator");
                    break;
            }

            CollectStringConcatenation(operation);
            CollectStringEquality(operation);
            CollectArrayInitialization(operation);
            CollectForEach(operation);
        }

        // Roslyn lowers a chain a + b + c of strings to one string.Concat call (LocalRewriter_StringConcat):
        // constant strings and chars are folded together, every other operand that is not a string
        // becomes one by its own ToString override (Int32.ToString()) or else Object.ToString(), and
        // 2 to 4 pieces call Concat(String, ...) while more call Concat(String[]). IOperation shows
        // the + but not these calls, so they are modelled here; a test compares the model with the
        // IL that Roslyn emits for the library.
        private void CollectStringConcatenation(IOperation operation)
        {
            var pieces = new List<IOperation>();
            if (operation is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, OperatorMethod: null } compound
                && IsString(compound.Type))
            {
                pieces.Add(compound.Target);
                FlattenConcatenation(compound.Value, pieces);
            }
            else if (IsStringConcatenation(operation) && !IsStringConcatenation(operation.Parent) && !IsStringCompoundAssignment(operation.Parent))
            {
                FlattenConcatenation(operation, pieces);
            }
            else
            {
                return;
            }

            int runtimePieces = 0;
            bool previousWasConstant = false;
            foreach (IOperation piece in pieces)
            {
                IOperation value = piece is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand : piece;
                if (value.ConstantValue.HasValue && (value.ConstantValue.Value is null or string or char))
                {
                    bool empty = value.ConstantValue.Value is null or "";
                    if (!empty && !previousWasConstant)
                    {
                        runtimePieces++;
                    }

                    previousWasConstant |= !empty;
                    continue;
                }

                previousWasConstant = false;
                runtimePieces++;
                if (value.Type != null && !IsString(value.Type))
                {
                    Add(value.Syntax, ToStringMethodFor(value.Type), "string concatenation turns " + value.Type.Name + " into a string");
                }
            }

            if (runtimePieces >= 2)
            {
                ITypeSymbol stringType = library.GetSpecialType(SpecialType.System_String);
                IMethodSymbol? concat = library.GetSpecialType(SpecialType.System_String).GetMembers("Concat").OfType<IMethodSymbol>()
                    .FirstOrDefault(method => runtimePieces <= 4
                        ? method.Parameters.Length == runtimePieces && method.Parameters.All(p => SymbolEqualityComparer.Default.Equals(p.Type, stringType))
                        : method.Parameters.Length == 1 && method.Parameters[0].Type is IArrayTypeSymbol { ElementType.SpecialType: SpecialType.System_String });
                Add(operation.Syntax, concat, "string concatenation with +");
            }
        }

        private static void FlattenConcatenation(IOperation operation, List<IOperation> pieces)
        {
            if (IsStringConcatenation(operation))
            {
                var binary = (IBinaryOperation)operation;
                FlattenConcatenation(binary.LeftOperand, pieces);
                FlattenConcatenation(binary.RightOperand, pieces);
            }
            else
            {
                pieces.Add(operation);
            }
        }

        private static bool IsStringConcatenation(IOperation? operation)
        {
            return operation is IBinaryOperation { OperatorKind: BinaryOperatorKind.Add, OperatorMethod: null } binary && IsString(binary.Type);
        }

        private static bool IsStringCompoundAssignment(IOperation? operation)
        {
            return operation is ICompoundAssignmentOperation { OperatorKind: BinaryOperatorKind.Add, OperatorMethod: null } compound && IsString(compound.Type);
        }

        private static bool IsString(ITypeSymbol? type) => type?.SpecialType == SpecialType.System_String;

        private IMethodSymbol ToStringMethodFor(ITypeSymbol type)
        {
            IMethodSymbol objectToString = library.GetSpecialType(SpecialType.System_Object).GetMembers("ToString").OfType<IMethodSymbol>().Single(m => m.Parameters.IsEmpty);
            if (type.IsValueType && type is INamedTypeSymbol)
            {
                IMethodSymbol? own = type.GetMembers("ToString").OfType<IMethodSymbol>().FirstOrDefault(m => m.Parameters.IsEmpty && m.IsOverride);
                return own ?? objectToString;
            }

            return objectToString;
        }

        // == and != on strings, string case labels and string constant patterns call String.op_Equality
        // (or op_Inequality); a comparison with the null literal is a plain reference comparison.
        private void CollectStringEquality(IOperation operation)
        {
            string? name = operation switch
            {
                IBinaryOperation { OperatorMethod: null, OperatorKind: BinaryOperatorKind.Equals } binary when ComparesStrings(binary) => "op_Equality",
                IBinaryOperation { OperatorMethod: null, OperatorKind: BinaryOperatorKind.NotEquals } binary when ComparesStrings(binary) => "op_Inequality",
                ISingleValueCaseClauseOperation { Value.ConstantValue.Value: string } => "op_Equality",
                IConstantPatternOperation { Value.ConstantValue.Value: string } => "op_Equality",
                _ => null,
            };
            if (name != null)
            {
                Add(operation.Syntax, library.GetSpecialType(SpecialType.System_String).GetMembers(name).FirstOrDefault(), "string comparison");
            }
        }

        private static bool ComparesStrings(IBinaryOperation binary)
        {
            return IsString(binary.LeftOperand.Type) && IsString(binary.RightOperand.Type)
                && !IsNullLiteral(binary.LeftOperand) && !IsNullLiteral(binary.RightOperand);
        }

        private static bool IsNullLiteral(IOperation operation)
        {
            return operation.ConstantValue is { HasValue: true, Value: null };
        }

        // A constant array initializer of a primitive type is copied from a data blob by
        // RuntimeHelpers.InitializeArray, the blob being a struct (a ValueType) in
        // <PrivateImplementationDetails>. Roslyn's rule (CodeGenerator.ShouldEmitBlockInitializer):
        // more than 2 non-default elements, and all of them constant or at least max(3, count/3).
        private void CollectArrayInitialization(IOperation operation)
        {
            if (operation is not IArrayCreationOperation { Initializer: not null } creation
                || creation.Type is not IArrayTypeSymbol { Rank: 1 } arrayType
                || !IsBlittablePrimitive(arrayType.ElementType))
            {
                return;
            }

            var nonDefault = creation.Initializer.ElementValues.Where(element => !IsDefaultConstant(element)).ToList();
            int constants = nonDefault.Count(element => element.ConstantValue.HasValue);
            if (nonDefault.Count > 2 && (constants == nonDefault.Count || constants >= Math.Max(3, nonDefault.Count / 3)))
            {
                INamedTypeSymbol? helpers = library.GetTypeByMetadataName("System.Runtime.CompilerServices.RuntimeHelpers");
                Add(operation.Syntax, helpers?.GetMembers("InitializeArray").FirstOrDefault(), "array initializer");
                Add(operation.Syntax, library.GetSpecialType(SpecialType.System_ValueType), "array initializer data");
            }
        }

        private static bool IsBlittablePrimitive(ITypeSymbol type)
        {
            return type.SpecialType is SpecialType.System_Boolean or SpecialType.System_Char
                or SpecialType.System_SByte or SpecialType.System_Byte or SpecialType.System_Int16 or SpecialType.System_UInt16
                or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64
                or SpecialType.System_Single or SpecialType.System_Double;
        }

        private static bool IsDefaultConstant(IOperation element)
        {
            if (!element.ConstantValue.HasValue)
            {
                return false;
            }

            return element.ConstantValue.Value switch
            {
                null => true,
                bool value => !value,
                char value => value == '\0',
                double value => value == 0 && !double.IsNegative(value),
                float value => value == 0 && !float.IsNegative(value),
                IConvertible value => value.ToDecimal(System.Globalization.CultureInfo.InvariantCulture) == 0,
                _ => false,
            };
        }

        // foreach over anything but an array or a string calls GetEnumerator, MoveNext, Current and
        // maybe Dispose; over a string it calls Length and the indexer (arrays use IL only).
        private void CollectForEach(IOperation operation)
        {
            if (operation is not IForEachLoopOperation { Syntax: CommonForEachStatementSyntax statement } loop)
            {
                return;
            }

            ITypeSymbol? collection = loop.Collection is IConversionOperation { IsImplicit: true } conversion ? conversion.Operand.Type : loop.Collection.Type;
            if (collection is IArrayTypeSymbol)
            {
                return;
            }

            if (IsString(collection))
            {
                Add(statement, collection!.GetMembers("Length").FirstOrDefault(), "foreach over a string");
                Add(statement, collection.GetMembers("this[]").FirstOrDefault() ?? collection.GetMembers("Chars").FirstOrDefault(), "foreach over a string");
                return;
            }

            ForEachStatementInfo info = model.GetForEachStatementInfo(statement);
            Add(statement, info.GetEnumeratorMethod, "foreach");
            Add(statement, info.MoveNextMethod, "foreach");
            Add(statement, info.CurrentProperty, "foreach");
            Add(statement, info.DisposeMethod, "foreach");
        }

        private void Add(SyntaxNode at, ISymbol? symbol, string? implicitly)
        {
            foreach (ISymbol api in ApiSymbols(symbol))
            {
                string? id = api.GetDocumentationCommentId();
                if (id == null || IsFromLibrary(api, library))
                {
                    continue;
                }

                FileLinePositionSpan span = at.GetLocation().GetLineSpan();
                int line = span.StartLinePosition.Line + 1;
                if (seen.Add((span.Path, line, id)))
                {
                    Uses.Add(new ApiUse(span.Path, line, id, api, implicitly));
                }
            }
        }

        // The declarations an API use depends on: an array or pointer needs its element type, a
        // constructed generic its definition and type arguments, a member its original definition.
        private static IEnumerable<ISymbol> ApiSymbols(ISymbol? symbol)
        {
            switch (symbol)
            {
                case IArrayTypeSymbol array:
                    return ApiSymbols(array.ElementType);
                case IPointerTypeSymbol pointer:
                    return ApiSymbols(pointer.PointedAtType);
                case INamedTypeSymbol { TypeKind: TypeKind.Error }:
                    return Enumerable.Empty<ISymbol>();
                case INamedTypeSymbol type:
                    return new ISymbol[] { type.OriginalDefinition }.Concat(type.TypeArguments.SelectMany(ApiSymbols));
                case IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction }:
                    return Enumerable.Empty<ISymbol>();
                case IMethodSymbol method:
                    IMethodSymbol declared = method.ReducedFrom ?? method;
                    return new ISymbol[] { declared.OriginalDefinition }.Concat(method.TypeArguments.SelectMany(ApiSymbols));
                case IPropertySymbol or IFieldSymbol or IEventSymbol:
                    return new[] { symbol.OriginalDefinition };
                default:
                    return Enumerable.Empty<ISymbol>();
            }
        }
    }
}
