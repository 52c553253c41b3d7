namespace NanoBackprop.Reference;

/// <summary>
/// A scalar in a computation graph, after Karpathy's micrograd: each node keeps the nodes it was
/// computed from and its local derivative with respect to each of them, and <see cref="Backward"/>
/// applies the chain rule in reverse topological order. A node used twice receives the sum of the
/// gradients along both uses.
/// </summary>
public sealed class Value
{
    private static readonly Value[] NoChildren = [];
    private static readonly double[] NoLocalGradients = [];

    private readonly Value[] children;
    private readonly double[] localGradients; // localGradients[k] = ∂this/∂children[k]

    /// <summary>Creates a leaf (an input or parameter) with gradient 0.</summary>
    /// <param name="data">Its value.</param>
    public Value(double data)
        : this(data, NoChildren, NoLocalGradients)
    {
    }

    private Value(double data, Value[] children, double[] localGradients)
    {
        Data = data;
        this.children = children;
        this.localGradients = localGradients;
    }

    /// <summary>The value computed in the forward pass.</summary>
    public double Data { get; }

    /// <summary>
    /// ∂(root)/∂(this node) after the root's <see cref="Backward"/>. Settable, e.g. to reset a leaf.
    /// </summary>
    public double Grad { get; set; }

    /// <summary>a + b: local derivatives 1 and 1.</summary>
    public static Value operator +(Value a, Value b) => new(a.Data + b.Data, [a, b], [1, 1]);

    /// <summary>a + b with a constant b.</summary>
    public static Value operator +(Value a, double b) => a + new Value(b);

    /// <summary>a + b with a constant a.</summary>
    public static Value operator +(double a, Value b) => new Value(a) + b;

    /// <summary>a - b: local derivatives 1 and -1.</summary>
    public static Value operator -(Value a, Value b) => new(a.Data - b.Data, [a, b], [1, -1]);

    /// <summary>a - b with a constant b.</summary>
    public static Value operator -(Value a, double b) => a - new Value(b);

    /// <summary>a - b with a constant a.</summary>
    public static Value operator -(double a, Value b) => new Value(a) - b;

    /// <summary>-a: local derivative -1.</summary>
    public static Value operator -(Value a) => new(-a.Data, [a], [-1]);

    /// <summary>a·b: local derivatives b and a.</summary>
    public static Value operator *(Value a, Value b) => new(a.Data * b.Data, [a, b], [b.Data, a.Data]);

    /// <summary>a·b with a constant b.</summary>
    public static Value operator *(Value a, double b) => a * new Value(b);

    /// <summary>a·b with a constant a.</summary>
    public static Value operator *(double a, Value b) => new Value(a) * b;

    /// <summary>a / b, built as a·b^-1 so that its gradient comes from * and <see cref="Pow"/>.</summary>
    public static Value operator /(Value a, Value b) => a * b.Pow(-1);

    /// <summary>a / b with a constant b.</summary>
    public static Value operator /(Value a, double b) => a / new Value(b);

    /// <summary>a / b with a constant a.</summary>
    public static Value operator /(double a, Value b) => new Value(a) / b;

    /// <summary>e^x: local derivative e^x.</summary>
    public Value Exp()
    {
        double e = Math.Exp(Data);
        return new Value(e, [this], [e]);
    }

    /// <summary>ln x: local derivative 1/x.</summary>
    public Value Log() => new(Math.Log(Data), [this], [1 / Data]);

    /// <summary>x^p for a constant p: local derivative p·x^(p-1).</summary>
    public Value Pow(double exponent) =>
        new(Math.Pow(Data, exponent), [this], [exponent * Math.Pow(Data, exponent - 1)]);

    /// <summary>σ(x) = 1/(1 + e^-x): local derivative σ(1 - σ), from the output.</summary>
    public Value Sigmoid()
    {
        double s = 1 / (1 + Math.Exp(-Data));
        return new Value(s, [this], [s * (1 - s)]);
    }

    /// <summary>tanh x: local derivative 1 - tanh² x, from the output.</summary>
    public Value Tanh()
    {
        double t = Math.Tanh(Data);
        return new Value(t, [this], [1 - t * t]);
    }

    /// <summary>max(0, x): local derivative 1 for x &gt; 0, else 0.</summary>
    public Value Relu() => new(Data > 0 ? Data : 0, [this], [Data > 0 ? 1 : 0]);

    /// <summary>x for x &gt; 0, else slope·x: local derivative 1 for x &gt; 0, else slope.</summary>
    /// <param name="slope">The slope for x ≤ 0.</param>
    public Value LeakyRelu(double slope) => new(Data > 0 ? Data : slope * Data, [this], [Data > 0 ? 1 : slope]);

    /// <summary>
    /// Reverse mode: sets this node's <see cref="Grad"/> to 1 and, in reverse topological order,
    /// adds local derivative × parent gradient to every node this one depends on. Intermediate
    /// nodes start again from 0; leaves keep what they had and accumulate (as in PyTorch), so
    /// call <see cref="ZeroGrad"/> between runs that should not add up.
    /// </summary>
    public void Backward()
    {
        List<Value> order = TopologicalOrder();
        foreach (Value node in order)
        {
            if (node.children.Length > 0)
            {
                node.Grad = 0;
            }
        }

        Grad = 1;
        for (int k = order.Count - 1; k >= 0; k--)
        {
            Value node = order[k];
            for (int c = 0; c < node.children.Length; c++)
            {
                node.children[c].Grad += node.localGradients[c] * node.Grad;
            }
        }
    }

    /// <summary>Sets <see cref="Grad"/> to 0 on this node and every node it depends on (leaves included).</summary>
    public void ZeroGrad()
    {
        foreach (Value node in TopologicalOrder())
        {
            node.Grad = 0;
        }
    }

    /// <summary>Shows the value and its gradient.</summary>
    public override string ToString() => $"Value(data={Data}, grad={Grad})";

    // Every node this one depends on, itself last, each after all of its children. Iterative
    // depth-first search with an explicit stack, so graphs deeper than the call stack work.
    private List<Value> TopologicalOrder()
    {
        var order = new List<Value>();
        var visited = new HashSet<Value> { this };
        var stack = new Stack<(Value Node, int NextChild)>();
        stack.Push((this, 0));
        while (stack.Count > 0)
        {
            (Value node, int next) = stack.Pop();
            if (next == node.children.Length)
            {
                order.Add(node); // all children are already in the order
                continue;
            }

            stack.Push((node, next + 1));
            Value child = node.children[next];
            if (visited.Add(child))
            {
                stack.Push((child, 0));
            }
        }

        return order;
    }
}
