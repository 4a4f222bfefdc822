using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Layers;
using Fovea.Tensors;

namespace Fovea.Models.Zoo;

/// <summary>
/// MaxViT's self-attention inside partitions with a learned relative position bias (torchvision's
/// <c>RelativePositionalMultiHeadAttention</c>): x [B, G, P, D] (G partitions of P = s² positions) → one Linear to
/// q, k, v (<c>to_qkv</c>, [3D, D]); per head, softmax(q·kᵀ / √D + bias) · v, where bias[h, i, j] is
/// <c>relative_position_bias_table</c>[(2s − 1)², heads] at the index of the positions' offset
/// (<c>relative_position_index</c>, a non-trainable [P, P] weight holding torchvision's buffer); then
/// <c>merge</c>, a Linear [D, D]. Note the scale 1/√D over the whole feature width, as torchvision has it.
/// </summary>
[RegisterLayer]
internal sealed class RelativePositionAttention : Layer
{
    public RelativePositionAttention(int headDim, int partitionSize, string? name = null)
        : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(headDim, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitionSize, 1);
        HeadDim = headDim;
        PartitionSize = partitionSize;
    }

    public int HeadDim { get; }

    public int PartitionSize { get; }

    private Parameter _qkvWeight = null!, _qkvBias = null!, _mergeWeight = null!, _mergeBias = null!;
    private Parameter _table = null!, _index = null!;
    private int _heads;

    protected override void Build(Shape inputShape)
    {
        int p = PartitionSize * PartitionSize;
        if (inputShape.Rank != 4 || inputShape[2] != p || inputShape[3] % HeadDim != 0)
            throw ShapeError($"[B, G, {p}, D] with D a multiple of {HeadDim}", inputShape);
        int d = inputShape[3];
        _heads = d / HeadDim;
        int span = 2 * PartitionSize - 1;
        _table = AddWeight("relative_position_bias_table", [span * span, _heads], Initializers.Zeros);   // torchvision: N(0, 0.02²) truncated; zero is no bias
        _index = AddWeight("relative_position_index", [p, p], Initializers.Zeros, trainable: false);
        var index = _index.AsSpan();
        for (int i = 0; i < p; i++)
        {
            for (int j = 0; j < p; j++)
            {
                int dy = i / PartitionSize - j / PartitionSize + PartitionSize - 1;
                int dx = i % PartitionSize - j % PartitionSize + PartitionSize - 1;
                index[i * p + j] = dy * span + dx;
            }
        }
        // After the table and the index, as in torchvision's state_dict (a module's own tensors before its children's).
        var uniform = Initializers.GlorotUniform;
        _qkvWeight = AddWeight("to_qkv.kernel", [3 * d, d], uniform);
        _qkvBias = AddWeight("to_qkv.bias", [3 * d], Initializers.Zeros);
        _mergeWeight = AddWeight("merge.kernel", [d, d], uniform);
        _mergeBias = AddWeight("merge.bias", [d], Initializers.Zeros);
    }

    protected override Shape? ComputeOutputShape(Shape inputShape) => inputShape;

    protected override Tensor Forward(Tensor x, bool training)
    {
        int p = PartitionSize * PartitionSize;
        if (x.Rank != 4 || x.Shape[2] != p || x.Shape[3] != _heads * HeadDim)
            throw ShapeError($"[B, G, {p}, {_heads * HeadDim}]", x.Shape);
        int b = x.Shape[0], g = x.Shape[1], d = x.Shape[3], h = _heads, e = HeadDim;
        var qkv = Functional.Linear(x, _qkvWeight, _qkvBias);                       // [B, G, P, 3D]
        Tensor Head(int part)
        {
            var t = Functional.Slice(qkv, [part * d], [(part + 1) * d], [3], [1]);  // [B, G, P, D]
            t = Functional.Permute(Functional.Reshape(t, b, g, p, h, e), 0, 1, 3, 2, 4);
            return Functional.Reshape(t, b * g, h, p, e);
        }
        var q = Head(0);
        var k = Functional.Multiply(Head(1), 1f / MathF.Sqrt(d));
        var v = Head(2);
        var logits = Functional.BatchMatMul(q, Functional.Permute(k, 0, 1, 3, 2));   // [BG, H, P, P]
        var index = _index.AsReadOnlySpan();
        var rows = new int[index.Length];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = (int)index[i];
        var bias = Functional.Gather(_table, 0, rows, [p, p]);                        // [P, P, H]
        logits = Functional.Add(logits, Functional.Permute(bias, 2, 0, 1));
        var context = Functional.BatchMatMul(Functional.Softmax(logits), v);          // [BG, H, P, e]
        context = Functional.Reshape(Functional.Permute(Functional.Reshape(context, b, g, h, p, e), 0, 1, 3, 2, 4),
            b, g, p, d);
        return Functional.Linear(context, _mergeWeight, _mergeBias);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["head_dim"] = HeadDim;
        c["partition_size"] = PartitionSize;
        return c;
    }

    public static RelativePositionAttention FromConfig(JsonObject c) => LayerConfig.Common(
        new RelativePositionAttention(c["head_dim"]!.GetValue<int>(), c["partition_size"]!.GetValue<int>(),
            LayerConfig.Name(c)), c);
}
