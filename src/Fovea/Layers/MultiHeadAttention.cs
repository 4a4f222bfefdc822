using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Multi-head scaled dot-product attention with Keras <c>MultiHeadAttention</c> semantics and weights.
/// Shapes (B batch, T query positions, S key/value positions, h = <see cref="NumHeads"/>, k = <see cref="KeyDim"/>,
/// v = <see cref="ValueDim"/>): query [B, T, dq], value [B, S, dv], key [B, S, dk] (default: value), optional
/// attention mask [B, T, S] (or [1, T, S]) whose nonzero entries mark the key positions a query may attend to.
/// <code>
/// Q = query·Wq + bq   [B, T, h, k]      Wq [dq, h, k], bq [h, k]   (Keras EinsumDense "abc,cde->abde")
/// K = key·Wk + bk     [B, S, h, k]      Wk [dk, h, k], bk [h, k]
/// V = value·Wv + bv   [B, S, h, v]      Wv [dv, h, v], bv [h, v]
/// scores = softmax_S((Q/√k)·Kᵀ, masked logits set to −1e9)          [B, h, T, S]
/// output = dropout(scores)·V · Wo + bo  [B, T, out]   Wo [h, v, out], bo [out], out = outputShape ?? dq
/// </code>
/// Masked logits are replaced by −1e9 before the softmax, as Keras's masked softmax does, so a row with no allowed
/// position attends uniformly. Attention dropout (rate <see cref="Dropout"/>) acts in training only; the scores
/// returned by <see cref="CallWithScores"/> are taken before it, as in Keras. Kernels use Keras's Glorot fans for
/// its layout (fanIn = h·dq, fanOut = k·dq for Wq; fanIn = h·v, fanOut = out·h for Wo).
/// <para>Several inputs: <see cref="Call(Tensor, Tensor, Tensor?, Tensor?, bool)"/> directly, or in a functional
/// model <see cref="Call(SymbolicTensor, SymbolicTensor, SymbolicTensor?, SymbolicTensor?, bool?)"/>; as a merge
/// layer the inputs are [query], [query, value], [query, value, key] or [query, value, key, mask]
/// (one input is self-attention). Only the sequence axis 1 is attended over (Keras's default attention_axes).</para>
/// </summary>
[RegisterLayer]
public sealed class MultiHeadAttention : MergeLayer
{
    private bool _captureScores;
    private Tensor? _scores;
    private bool _projected;

    public MultiHeadAttention(int numHeads, int keyDim, int? valueDim = null, double dropout = 0, bool useBias = true,
        int? outputShape = null, Initializer? kernelInitializer = null, Initializer? biasInitializer = null,
        Regularizer? kernelRegularizer = null, string? name = null)
        : base(name)
    {
        Positive(numHeads, nameof(numHeads));
        Positive(keyDim, nameof(keyDim));
        Positive(valueDim ?? 1, nameof(valueDim));
        Positive(outputShape ?? 1, nameof(outputShape));
        if (dropout < 0 || dropout >= 1)
            throw new ArgumentOutOfRangeException(nameof(dropout), $"MultiHeadAttention: dropout must be in [0, 1), " +
                $"received {dropout}");
        NumHeads = numHeads;
        KeyDim = keyDim;
        ValueDim = valueDim ?? keyDim;
        Dropout = dropout;
        UseBias = useBias;
        OutputDim = outputShape;
        KernelInitializer = kernelInitializer ?? Initializers.GlorotUniform;
        BiasInitializer = biasInitializer ?? Initializers.Zeros;
        KernelRegularizer = kernelRegularizer;
    }

    public int NumHeads { get; }

    /// <summary>Size of each head's query and key projections.</summary>
    public int KeyDim { get; }

    /// <summary>Size of each head's value projection (Keras default: <see cref="KeyDim"/>).</summary>
    public int ValueDim { get; }

    /// <summary>Dropout rate on the attention probabilities (training only).</summary>
    public double Dropout { get; }

    public bool UseBias { get; }

    /// <summary>Size of the output's last axis (Keras <c>output_shape</c>); null: the query's feature size.</summary>
    public int? OutputDim { get; }

    public Initializer KernelInitializer { get; }

    public Initializer BiasInitializer { get; }

    public Regularizer? KernelRegularizer { get; }

    /// <summary>Wq [dq, h, k].</summary>
    public Parameter QueryKernel { get; private set; } = null!;

    /// <summary>bq [h, k], or null without bias.</summary>
    public Parameter? QueryBias { get; private set; }

    /// <summary>Wk [dk, h, k].</summary>
    public Parameter KeyKernel { get; private set; } = null!;

    public Parameter? KeyBias { get; private set; }

    /// <summary>Wv [dv, h, v].</summary>
    public Parameter ValueKernel { get; private set; } = null!;

    public Parameter? ValueBias { get; private set; }

    /// <summary>Wo [h, v, out].</summary>
    public Parameter OutputKernel { get; private set; } = null!;

    /// <summary>bo [out].</summary>
    public Parameter? OutputBias { get; private set; }

    /// <summary>Attention of <paramref name="query"/> over <paramref name="value"/> (keys: <paramref name="key"/>,
    /// default value) → [B, T, out]. See the class summary for the shapes.</summary>
    public Tensor Call(Tensor query, Tensor value, Tensor? key = null, Tensor? attentionMask = null,
        bool training = false) => Call(Pack(query, value, key, attentionMask), training);

    /// <summary>As <see cref="Call(Tensor, Tensor, Tensor?, Tensor?, bool)"/>, also returning the attention
    /// probabilities [B, h, T, S] before dropout (Keras <c>return_attention_scores=True</c>).</summary>
    public (Tensor Output, Tensor Scores) CallWithScores(Tensor query, Tensor value, Tensor? key = null,
        Tensor? attentionMask = null, bool training = false)
    {
        _captureScores = true;
        try
        {
            var y = Call(Pack(query, value, key, attentionMask), training);
            return (y, _scores!);
        }
        finally
        {
            _captureScores = false;
            _scores = null;
        }
    }

    /// <summary>Records an attention call on symbolic tensors (functional API).</summary>
    public SymbolicTensor Call(SymbolicTensor query, SymbolicTensor value, SymbolicTensor? key = null,
        SymbolicTensor? attentionMask = null, bool? training = null) =>
        Call(Pack(query, value, key, attentionMask), training);

    private static T[] Pack<T>(T query, T value, T? key, T? mask)
        where T : class =>
        mask is not null ? [query, value, key ?? value, mask] : key is not null ? [query, value, key] : [query, value];

    /// <summary>Creates the projections for inputs [query, value, key?, mask?] of <paramref name="inputShapes"/>.
    /// </summary>
    protected override void Build(IReadOnlyList<Shape> inputShapes)
    {
        var query = inputShapes[0];
        var value = inputShapes.Count > 1 ? inputShapes[1] : query;
        var key = inputShapes.Count > 2 ? inputShapes[2] : value;
        if (query.Rank == 3 && key.Rank == 3 && value.Rank == 3)
            BuildProjections(query[2], key[2], value[2]);   // otherwise the call reports the shapes
    }

    protected override Shape? ComputeOutputShape(IReadOnlyList<Shape> inputShapes) =>
        inputShapes[0].Rank == 3 ? new Shape(inputShapes[0][0], inputShapes[0][1], OutputDim ?? inputShapes[0][2])
            : (Shape?)null;

    protected override Tensor Merge(IReadOnlyList<Tensor> inputs) => Merge(inputs, training: false);

    protected override Tensor Merge(IReadOnlyList<Tensor> inputs, bool training)
    {
        if (inputs.Count > 4)
            throw new FoveaException($"{Describe()}: expected 1 to 4 inputs [query, value, key, mask], received " +
                $"{inputs.Count}");
        var query = inputs[0];
        var value = inputs.Count > 1 ? inputs[1] : query;
        var key = inputs.Count > 2 ? inputs[2] : value;
        var mask = inputs.Count > 3 ? inputs[3] : null;
        CheckShapes(query, value, key, mask);
        if (!_projected)
            BuildProjections(query.Shape[2], key.Shape[2], value.Shape[2]);
        CheckFeatures("query", query, QueryKernel);
        CheckFeatures("key", key, KeyKernel);
        CheckFeatures("value", value, ValueKernel);

        int b = query.Shape[0], t = query.Shape[1], s = value.Shape[1];
        var q = Functional.Multiply(Project(query, QueryKernel, QueryBias), 1f / MathF.Sqrt(KeyDim));
        var k = Project(key, KeyKernel, KeyBias);
        var v = Project(value, ValueKernel, ValueBias);
        // [B, h, T, k]·[B, h, k, S] → [B, h, T, S]
        var logits = Functional.BatchMatMul(Functional.Permute(q, 0, 2, 1, 3), Functional.Permute(k, 0, 2, 3, 1));
        if (mask is not null)
            logits = Functional.Where(Functional.Reshape(mask, mask.Shape[0], 1, t, s), logits, Tensor.Scalar(-1e9f));
        var scores = Functional.Softmax(logits);
        if (_captureScores)
            _scores = scores;
        var dropped = Functional.Dropout(scores, (float)Dropout, training, Rng);
        // [B, h, T, S]·[B, h, S, v] → [B, h, T, v] → [B·T, h·v]
        var context = Functional.BatchMatMul(dropped, Functional.Permute(v, 0, 2, 1, 3));
        context = Functional.Reshape(Functional.Permute(context, 0, 2, 1, 3), b * t, NumHeads * ValueDim);
        int outDim = OutputKernel.Shape[2];
        var y = Functional.MatMul(context, Functional.Reshape(OutputKernel, NumHeads * ValueDim, outDim));
        if (OutputBias is not null)
            y = Functional.Add(y, OutputBias);
        return Functional.Reshape(y, b, t, outDim);
    }

    /// <summary>x [B, L, d]·W [d, h, e] + b [h, e] → [B, L, h, e] as one matrix product.</summary>
    private static Tensor Project(Tensor x, Parameter kernel, Parameter? bias)
    {
        int n = x.Shape[0] * x.Shape[1], d = kernel.Shape[0], h = kernel.Shape[1], e = kernel.Shape[2];
        var y = Functional.MatMul(Functional.Reshape(x, n, d), Functional.Reshape(kernel, d, h * e));
        if (bias is not null)
            y = Functional.Add(y, Functional.Reshape(bias, h * e));
        return Functional.Reshape(y, x.Shape[0], x.Shape[1], h, e);
    }

    private void BuildProjections(int queryDim, int keyDim, int valueDim)
    {
        int h = NumHeads, outDim = OutputDim ?? queryDim;
        QueryKernel = Kernel("query.kernel", [queryDim, h, KeyDim]);
        QueryBias = Bias("query.bias", [h, KeyDim]);
        KeyKernel = Kernel("key.kernel", [keyDim, h, KeyDim]);
        KeyBias = Bias("key.bias", [h, KeyDim]);
        ValueKernel = Kernel("value.kernel", [valueDim, h, ValueDim]);
        ValueBias = Bias("value.bias", [h, ValueDim]);
        OutputKernel = Kernel("attention_output.kernel", [h, ValueDim, outDim]);
        OutputBias = Bias("attention_output.bias", [outDim]);
        _projected = true;
    }

    private Parameter Kernel(string name, int[] shape) =>
        AddWeight(name, shape, new KerasFans(KernelInitializer), regularizer: KernelRegularizer);

    private Parameter? Bias(string name, int[] shape) => UseBias ? AddWeight(name, shape, BiasInitializer) : null;

    private void CheckShapes(Tensor query, Tensor value, Tensor key, Tensor? mask)
    {
        if (query.Rank != 3)
            throw Error("query [B, T, dim]", query.Shape);
        int b = query.Shape[0], t = query.Shape[1];
        if (value.Rank != 3 || value.Shape[0] != b)
            throw Error($"value [{b}, S, dim] (the query's batch)", value.Shape);
        int s = value.Shape[1];
        if (key.Rank != 3 || key.Shape[0] != b || key.Shape[1] != s)
            throw Error($"key [{b}, {s}, dim] (the value's batch and length)", key.Shape);
        if (mask is not null && (mask.Rank != 3 || (mask.Shape[0] != b && mask.Shape[0] != 1)
            || mask.Shape[1] != t || mask.Shape[2] != s))
            throw Error($"attention mask [{b}, {t}, {s}] ([B, T, S])", mask.Shape);
    }

    private void CheckFeatures(string what, Tensor x, Parameter kernel)
    {
        if (x.Shape[2] != kernel.Shape[0])
            throw Error($"{what} [B, ·, {kernel.Shape[0]}] (the size it was built for)", x.Shape);
    }

    private FoveaException Error(string expected, Shape received) =>
        new($"{Describe()}: expected {expected}, received {received}");

    private static void Positive(int value, string name)
    {
        if (value <= 0)
            throw new ArgumentOutOfRangeException(name, $"MultiHeadAttention: {name} must be positive, received " +
                $"{value}");
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["num_heads"] = NumHeads;
        c["key_dim"] = KeyDim;
        c["value_dim"] = ValueDim;
        c["dropout"] = Dropout;
        c["use_bias"] = UseBias;
        c["output_shape"] = OutputDim;
        c["kernel_initializer"] = KernelInitializer.GetConfig();
        c["bias_initializer"] = BiasInitializer.GetConfig();
        if (KernelRegularizer is not null)
            c["kernel_regularizer"] = KernelRegularizer.GetConfig();
        return c;
    }

    public static MultiHeadAttention FromConfig(JsonObject c) => LayerConfig.Common(new MultiHeadAttention(
        c["num_heads"]!.GetValue<int>(), c["key_dim"]!.GetValue<int>(), c["value_dim"]?.GetValue<int>(),
        LayerConfig.Read(c, "dropout", 0.0), LayerConfig.Read(c, "use_bias", true), c["output_shape"]?.GetValue<int>(),
        c["kernel_initializer"] is { } k ? Initializers.FromConfig(k) : null,
        c["bias_initializer"] is { } b ? Initializers.FromConfig(b) : null,
        Regularizers.FromConfig(c["kernel_regularizer"]), LayerConfig.Name(c)), c);

    /// <summary>
    /// Fills a kernel stored in Keras's layout [in…, out] with the fans Keras computes for it: Fovea's
    /// <see cref="Initializer.Fans"/> reads [out, in, …], so the shape is handed over reversed.
    /// </summary>
    private sealed class KerasFans(Initializer inner) : Initializer
    {
        public override string Name => inner.Name;

        public override void Fill(Span<float> values, Shape shape, Rng rng) =>
            inner.Fill(values, shape.Reverse().ToArray(), rng);

        public override JsonObject GetConfig() => inner.GetConfig();
    }
}
