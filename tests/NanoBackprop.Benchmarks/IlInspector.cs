using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text;

namespace NanoBackprop.Benchmarks
{
    /// <summary>One decoded IL instruction.</summary>
    public sealed class IlInstruction
    {
        internal IlInstruction(int offset, OpCode opCode, long operand, int[] targets, string operandText, MethodDefinitionHandle callee)
        {
            Offset = offset;
            OpCode = opCode;
            Operand = operand;
            Targets = targets;
            OperandText = operandText;
            Callee = callee;
        }

        /// <summary>Byte offset in the method body.</summary>
        public int Offset { get; }

        /// <summary>The opcode.</summary>
        public OpCode OpCode { get; }

        /// <summary>The raw operand (a token, an index, a constant), 0 if none.</summary>
        public long Operand { get; }

        /// <summary>Branch targets (byte offsets); empty unless a branch or switch.</summary>
        public int[] Targets { get; }

        /// <summary>The operand as text (a called method's name, a field, a label).</summary>
        public string OperandText { get; }

        /// <summary>The called method when it is defined in the same assembly; nil otherwise.</summary>
        public MethodDefinitionHandle Callee { get; }

        /// <summary>Whether control can go on to the next instruction.</summary>
        public bool FallsThrough
        {
            get
            {
                FlowControl flow = OpCode.FlowControl;
                return flow != FlowControl.Branch && flow != FlowControl.Return && flow != FlowControl.Throw;
            }
        }

        /// <summary>"IL_001a: ldelem.i4" and its operand.</summary>
        public override string ToString()
        {
            return OperandText.Length == 0
                ? $"IL_{Offset:x4}: {OpCode.Name}"
                : $"IL_{Offset:x4}: {OpCode.Name} {OperandText}";
        }
    }

    /// <summary>A loop: the instructions from the back-branch's target (the body's start) to the
    /// back-branch itself, which the C# compiler places after the body with the loop's condition.</summary>
    public sealed class IlLoop
    {
        internal IlLoop(int first, int last)
        {
            First = first;
            Last = last;
        }

        /// <summary>Index of the first instruction (the back-branch's target).</summary>
        public int First { get; }

        /// <summary>Index of the back-branch.</summary>
        public int Last { get; }

        /// <summary>Instructions from the body's start to the back-branch inclusive.</summary>
        public int InstructionCount
        {
            get { return Last - First + 1; }
        }

        /// <summary>Whether <paramref name="other"/> lies within this loop.</summary>
        public bool Contains(IlLoop other)
        {
            return other != this && other.First >= First && other.Last <= Last;
        }
    }

    /// <summary>
    /// Reads method bodies from a compiled assembly with System.Reflection.Metadata, decodes their
    /// IL and finds their loops, so that the IL the nanoFramework interpreter executes per
    /// multiply-accumulate can be counted from the very DLL that was built.
    /// </summary>
    public sealed class IlInspector : IDisposable
    {
        private static readonly Dictionary<short, OpCode> OpCodesByValue = LoadOpCodes();

        private readonly PEReader peReader;
        private readonly MetadataReader metadata;
        private readonly Dictionary<(MethodDefinitionHandle, BranchAssumptions), (int Min, int Max)?> pathMemo = new Dictionary<(MethodDefinitionHandle, BranchAssumptions), (int Min, int Max)?>();

        /// <summary>Opens an assembly file.</summary>
        public IlInspector(string assemblyPath)
        {
            AssemblyPath = assemblyPath;
            peReader = new PEReader(File.OpenRead(assemblyPath));
            metadata = peReader.GetMetadataReader();
        }

        /// <summary>The assembly's path.</summary>
        public string AssemblyPath { get; }

        /// <summary>Whether the assembly was compiled with optimisations (a Release build).</summary>
        public bool IsOptimized
        {
            get
            {
                foreach (CustomAttributeHandle handle in metadata.GetAssemblyDefinition().GetCustomAttributes())
                {
                    CustomAttribute attribute = metadata.GetCustomAttribute(handle);
                    if (attribute.Constructor.Kind == HandleKind.MemberReference)
                    {
                        MemberReference constructor = metadata.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
                        if (constructor.Parent.Kind == HandleKind.TypeReference
                            && metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)constructor.Parent).Name) == "DebuggableAttribute")
                        {
                            // DebuggableAttribute(DebuggingModes): a Debug build sets DisableOptimizations (256).
                            BlobReader blob = metadata.GetBlobReader(attribute.Value);
                            blob.ReadUInt16();
                            return (blob.ReadInt32() & 256) == 0;
                        }
                    }
                }

                return true;
            }
        }

        /// <summary>Finds a method by its type's full name and its name (the first overload).</summary>
        public MethodDefinitionHandle FindMethod(string typeFullName, string methodName)
        {
            foreach (TypeDefinitionHandle typeHandle in metadata.TypeDefinitions)
            {
                TypeDefinition type = metadata.GetTypeDefinition(typeHandle);
                string fullName = metadata.GetString(type.Namespace) + "." + metadata.GetString(type.Name);
                if (fullName != typeFullName)
                {
                    continue;
                }

                foreach (MethodDefinitionHandle methodHandle in type.GetMethods())
                {
                    if (metadata.GetString(metadata.GetMethodDefinition(methodHandle).Name) == methodName)
                    {
                        return methodHandle;
                    }
                }
            }

            throw new InvalidOperationException($"{typeFullName}.{methodName} is not in {AssemblyPath}.");
        }

        /// <summary>"Type.Method" of a method defined in the assembly.</summary>
        public string MethodName(MethodDefinitionHandle handle)
        {
            MethodDefinition method = metadata.GetMethodDefinition(handle);
            return metadata.GetString(metadata.GetTypeDefinition(method.GetDeclaringType()).Name) + "." + metadata.GetString(method.Name);
        }

        /// <summary>Decodes a method's body.</summary>
        public List<IlInstruction> Decode(MethodDefinitionHandle handle)
        {
            MethodDefinition method = metadata.GetMethodDefinition(handle);
            MethodBodyBlock body = peReader.GetMethodBody(method.RelativeVirtualAddress);
            BlobReader reader = body.GetILReader();
            // IL argument index → parameter name (argument 0 is `this` in an instance method).
            bool isStatic = (method.Attributes & MethodAttributes.Static) != 0;
            var parameterNames = new Dictionary<int, string>();
            if (!isStatic)
            {
                parameterNames[0] = "this";
            }

            foreach (ParameterHandle parameterHandle in method.GetParameters())
            {
                Parameter parameter = metadata.GetParameter(parameterHandle);
                if (parameter.SequenceNumber > 0)
                {
                    parameterNames[parameter.SequenceNumber - (isStatic ? 1 : 0)] = metadata.GetString(parameter.Name);
                }
            }

            var instructions = new List<IlInstruction>();
            while (reader.RemainingBytes > 0)
            {
                int offset = reader.Offset;
                short value = reader.ReadByte();
                if (value == 0xFE)
                {
                    value = (short)(0xFE00 | reader.ReadByte());
                }

                OpCode opCode = OpCodesByValue[value];
                long operand = 0;
                int[] targets = Array.Empty<int>();
                string text = string.Empty;
                MethodDefinitionHandle callee = default;
                switch (opCode.OperandType)
                {
                    case OperandType.InlineNone:
                        int argument = ShortArgumentIndex(opCode);
                        text = argument >= 0 && parameterNames.TryGetValue(argument, out string? name) ? "// " + name : string.Empty;
                        break;
                    case OperandType.ShortInlineBrTarget:
                        operand = reader.ReadSByte();
                        targets = new[] { reader.Offset + (int)operand };
                        text = $"IL_{targets[0]:x4}";
                        break;
                    case OperandType.InlineBrTarget:
                        operand = reader.ReadInt32();
                        targets = new[] { reader.Offset + (int)operand };
                        text = $"IL_{targets[0]:x4}";
                        break;
                    case OperandType.ShortInlineI:
                        operand = opCode == OpCodes.Ldc_I4_S ? reader.ReadSByte() : reader.ReadByte();
                        text = operand.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    case OperandType.ShortInlineVar:
                        operand = reader.ReadByte();
                        text = VariableText(opCode, (int)operand, parameterNames);
                        break;
                    case OperandType.InlineVar:
                        operand = reader.ReadUInt16();
                        text = VariableText(opCode, (int)operand, parameterNames);
                        break;
                    case OperandType.InlineI:
                        operand = reader.ReadInt32();
                        text = operand.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    case OperandType.InlineI8:
                        operand = reader.ReadInt64();
                        text = operand.ToString(System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    case OperandType.ShortInlineR:
                        text = reader.ReadSingle().ToString(System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    case OperandType.InlineR:
                        text = reader.ReadDouble().ToString(System.Globalization.CultureInfo.InvariantCulture);
                        break;
                    case OperandType.InlineSwitch:
                        int count = reader.ReadInt32();
                        int[] relative = new int[count];
                        for (int k = 0; k < count; k++)
                        {
                            relative[k] = reader.ReadInt32();
                        }

                        targets = new int[count];
                        for (int k = 0; k < count; k++)
                        {
                            targets[k] = reader.Offset + relative[k];
                        }

                        text = "(" + string.Join(", ", Array.ConvertAll(targets, t => $"IL_{t:x4}")) + ")";
                        break;
                    default:
                        // Tokens: methods, fields, types, strings, signatures.
                        int token = reader.ReadInt32();
                        operand = token;
                        (text, callee) = DescribeToken(token);
                        break;
                }

                instructions.Add(new IlInstruction(offset, opCode, operand, targets, text, callee));
            }

            return instructions;
        }

        /// <summary>
        /// The method's loops, found from its back-branches (a branch to an earlier or the same
        /// offset); the C# compiler emits every for/while loop this way.
        /// </summary>
        public static List<IlLoop> FindLoops(List<IlInstruction> instructions)
        {
            var indexByOffset = IndexByOffset(instructions);
            var loops = new List<IlLoop>();
            for (int k = 0; k < instructions.Count; k++)
            {
                foreach (int target in instructions[k].Targets)
                {
                    if (target <= instructions[k].Offset)
                    {
                        loops.Add(new IlLoop(indexByOffset[target], k));
                    }
                }
            }

            return loops;
        }

        /// <summary>The loops that contain no other loop.</summary>
        public static List<IlLoop> InnermostLoops(List<IlInstruction> instructions)
        {
            List<IlLoop> loops = FindLoops(instructions);
            return loops.FindAll(loop => !loops.Exists(loop.Contains));
        }

        /// <summary>
        /// Fewest and most IL instructions executed on one pass from <paramref name="first"/> to
        /// <paramref name="last"/> (inclusive) of an acyclic stretch of code, counting each call
        /// to a method of this assembly as 1 plus the fewest/most instructions of that method's own
        /// body (recursively). Null if a path meets a loop inside a called method.
        /// </summary>
        public (int Min, int Max)? PathRange(List<IlInstruction> instructions, int first, int last)
        {
            return PathRange(instructions, first, last, BranchAssumptions.None);
        }

        /// <summary>
        /// As <see cref="PathRange(List{IlInstruction}, int, int)"/>, but a conditional branch on a
        /// field or parameter that <paramref name="assumptions"/> names (brtrue/brfalse right after
        /// its ldfld/ldarg) goes only the way the assumed value sends it, in this method and in
        /// every method it calls.
        /// </summary>
        public (int Min, int Max)? PathRange(List<IlInstruction> instructions, int first, int last, BranchAssumptions assumptions)
        {
            var indexByOffset = IndexByOffset(instructions);
            var min = new int?[instructions.Count];
            var max = new int?[instructions.Count];
            for (int k = last; k >= first; k--)
            {
                IlInstruction instruction = instructions[k];
                int ownMin = 1;
                int ownMax = 1;
                if (!instruction.Callee.IsNil)
                {
                    (int Min, int Max)? callee = MethodPathRange(instruction.Callee, assumptions);
                    if (callee == null)
                    {
                        return null;
                    }

                    ownMin += callee.Value.Min;
                    ownMax += callee.Value.Max;
                }

                if (k == last)
                {
                    min[k] = ownMin;
                    max[k] = ownMax;
                    continue;
                }

                var successors = new List<int>();
                if (instruction.FallsThrough)
                {
                    successors.Add(k + 1);
                }

                bool? taken = k > 0 ? assumptions.Taken(instructions[k - 1], instruction) : null;
                if (taken == true)
                {
                    successors.Clear();
                }

                foreach (int target in taken == false ? Array.Empty<int>() : instruction.Targets)
                {
                    int index = indexByOffset[target];
                    if (index <= k)
                    {
                        return null;
                    }

                    successors.Add(index);
                }

                int? bestMin = null;
                int? bestMax = null;
                foreach (int successor in successors)
                {
                    if (successor > last || min[successor] == null)
                    {
                        continue;
                    }

                    bestMin = bestMin == null ? min[successor] : Math.Min(bestMin.Value, min[successor]!.Value);
                    bestMax = bestMax == null ? max[successor] : Math.Max(bestMax.Value, max[successor]!.Value);
                }

                bool leaves = instruction.OpCode.FlowControl == FlowControl.Return || instruction.OpCode.FlowControl == FlowControl.Throw;
                if (bestMin == null)
                {
                    if (!leaves)
                    {
                        continue; // cannot reach `last`
                    }

                    bestMin = 0;
                    bestMax = 0;
                }

                min[k] = ownMin + bestMin;
                max[k] = ownMax + bestMax;
            }

            return min[first] == null ? null : (min[first]!.Value, max[first]!.Value);
        }

        /// <summary>Fewest and most IL instructions one call of a method executes (null if it loops).</summary>
        public (int Min, int Max)? MethodPathRange(MethodDefinitionHandle handle)
        {
            return MethodPathRange(handle, BranchAssumptions.None);
        }

        /// <summary>As <see cref="MethodPathRange(MethodDefinitionHandle)"/> under branch assumptions.</summary>
        public (int Min, int Max)? MethodPathRange(MethodDefinitionHandle handle, BranchAssumptions assumptions)
        {
            if (pathMemo.TryGetValue((handle, assumptions), out (int Min, int Max)? known))
            {
                return known;
            }

            pathMemo[(handle, assumptions)] = null; // recursion counts as a loop
            List<IlInstruction> body = Decode(handle);
            (int Min, int Max)? range = FindLoops(body).Count > 0 ? null : PathRange(body, 0, body.Count - 1, assumptions);
            pathMemo[(handle, assumptions)] = range;
            return range;
        }

        /// <summary>A listing of instructions [first, last], one a line.</summary>
        public static string Listing(List<IlInstruction> instructions, int first, int last, string indent)
        {
            var text = new StringBuilder();
            for (int k = first; k <= last; k++)
            {
                text.Append(indent).Append(instructions[k]).Append('\n');
            }

            return text.ToString();
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            peReader.Dispose();
        }

        private static int ShortArgumentIndex(OpCode opCode)
        {
            if (opCode == OpCodes.Ldarg_0)
            {
                return 0;
            }

            if (opCode == OpCodes.Ldarg_1)
            {
                return 1;
            }

            if (opCode == OpCodes.Ldarg_2)
            {
                return 2;
            }

            return opCode == OpCodes.Ldarg_3 ? 3 : -1;
        }

        private static string VariableText(OpCode opCode, int index, Dictionary<int, string> parameterNames)
        {
            bool isArgument = opCode.Name!.Contains("arg", StringComparison.Ordinal);
            if (isArgument)
            {
                return parameterNames.TryGetValue(index, out string? name) ? name : "A_" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return "V_" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        private static Dictionary<int, int> IndexByOffset(List<IlInstruction> instructions)
        {
            var indexByOffset = new Dictionary<int, int>();
            for (int k = 0; k < instructions.Count; k++)
            {
                indexByOffset[instructions[k].Offset] = k;
            }

            return indexByOffset;
        }

        private (string Text, MethodDefinitionHandle Callee) DescribeToken(int token)
        {
            EntityHandle handle = MetadataTokens.EntityHandle(token);
            switch (handle.Kind)
            {
                case HandleKind.MethodDefinition:
                    var definition = (MethodDefinitionHandle)handle;
                    return (MethodName(definition), definition);
                case HandleKind.MemberReference:
                    MemberReference reference = metadata.GetMemberReference((MemberReferenceHandle)handle);
                    return (TypeName(reference.Parent) + "." + metadata.GetString(reference.Name), default);
                case HandleKind.FieldDefinition:
                    FieldDefinition field = metadata.GetFieldDefinition((FieldDefinitionHandle)handle);
                    return (metadata.GetString(metadata.GetTypeDefinition(field.GetDeclaringType()).Name) + "::" + metadata.GetString(field.Name), default);
                case HandleKind.TypeDefinition:
                case HandleKind.TypeReference:
                    return (TypeName(handle), default);
                default:
                    return ($"token 0x{token:x8}", default);
            }
        }

        private string TypeName(EntityHandle handle)
        {
            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    return metadata.GetString(metadata.GetTypeDefinition((TypeDefinitionHandle)handle).Name);
                case HandleKind.TypeReference:
                    return metadata.GetString(metadata.GetTypeReference((TypeReferenceHandle)handle).Name);
                default:
                    return handle.Kind.ToString();
            }
        }

        private static Dictionary<short, OpCode> LoadOpCodes()
        {
            var table = new Dictionary<short, OpCode>();
            foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                if (field.GetValue(null) is OpCode opCode)
                {
                    table[opCode.Size == 1 ? (short)(opCode.Value & 0xFF) : opCode.Value] = opCode;
                }
            }

            return table;
        }
    }
}

namespace NanoBackprop.Benchmarks
{
    /// <summary>
    /// Values assumed for named fields and parameters when counting the IL of one configuration's
    /// path: a brtrue/brfalse right after `ldfld name` or `ldarg name` goes one way only (true:
    /// the value is true or non-null).
    /// </summary>
    public sealed class BranchAssumptions
    {
        /// <summary>No assumption: every branch may go either way.</summary>
        public static readonly BranchAssumptions None = new BranchAssumptions("any", new Dictionary<string, bool>());

        private readonly Dictionary<string, bool> values;

        /// <summary>A named set of assumptions.</summary>
        public BranchAssumptions(string name, Dictionary<string, bool> values)
        {
            Name = name;
            this.values = values;
        }

        /// <summary>The configuration's name.</summary>
        public string Name { get; }

        /// <summary>
        /// Whether <paramref name="branch"/> is taken (null: unknown), from the value that
        /// <paramref name="load"/> loads.
        /// </summary>
        public bool? Taken(IlInstruction load, IlInstruction branch)
        {
            bool onTrue = branch.OpCode == OpCodes.Brtrue || branch.OpCode == OpCodes.Brtrue_S;
            bool onFalse = branch.OpCode == OpCodes.Brfalse || branch.OpCode == OpCodes.Brfalse_S;
            if (!onTrue && !onFalse)
            {
                return null;
            }

            string name = load.OperandText;
            int separator = name.LastIndexOf("::", StringComparison.Ordinal);
            name = separator >= 0 ? name.Substring(separator + 2) : name.TrimStart('/', ' ');
            bool isLoad = load.OpCode.Name!.StartsWith("ldarg", StringComparison.Ordinal) || load.OpCode == OpCodes.Ldfld;
            if (!isLoad || !values.TryGetValue(name, out bool value))
            {
                return null;
            }

            return onTrue ? value : !value;
        }
    }
}
