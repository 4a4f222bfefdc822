using System.Text.Json.Nodes;

namespace Fovea;

/// <summary>How a convolution or pooling window treats the border.</summary>
public enum PaddingKind
{
    /// <summary>No padding: only windows that fit entirely inside the input.</summary>
    Valid,

    /// <summary>
    /// Zero padding so that output size = ceil(input size / stride); when the padding is odd the extra row/column goes
    /// at the bottom/right (TensorFlow's rule; PyTorch's 'same' agrees for stride 1).
    /// </summary>
    Same,

    /// <summary>Given amounts on each side (PyTorch's <c>padding=</c>, ONNX's <c>pads</c>).</summary>
    Explicit,

    /// <summary>
    /// Conv1D only (Keras <c>padding="causal"</c>): dilation·(k − 1) zeros before the sequence and none after, so
    /// output t sees inputs up to t only.
    /// </summary>
    Causal,
}

/// <summary>
/// Border handling of a convolution or pooling layer: <see cref="Valid"/> (the default), <see cref="Same"/> (Keras
/// vocabulary), or explicit amounts (<c>padding: 1</c>, <c>Padding.Explicit(3)</c>,
/// <c>Padding.Explicit(top, left, bottom, right)</c>) as PyTorch and ONNX give them. Padded cells are zeros for
/// convolutions, ignored by max pooling and not counted by average pooling.
/// </summary>
public readonly record struct Padding
{
    private Padding(PaddingKind kind, int top, int left, int bottom, int right)
    {
        if (top < 0 || left < 0 || bottom < 0 || right < 0)
            throw new ArgumentOutOfRangeException(nameof(top), $"padding must be >= 0, received ({top}, {left}, {bottom}, {right})");
        Kind = kind;
        (Top, Left, Bottom, Right) = (top, left, bottom, right);
    }

    public PaddingKind Kind { get; }
    public int Top { get; }
    public int Left { get; }
    public int Bottom { get; }
    public int Right { get; }

    /// <summary>No padding (also <c>default(Padding)</c>).</summary>
    public static Padding Valid => default;

    /// <summary>Output size ceil(input / stride), extra padding at the bottom/right.</summary>
    public static Padding Same { get; } = new(PaddingKind.Same, 0, 0, 0, 0);

    /// <summary>Left padding of dilation·(k − 1), none after (Conv1D only; Keras <c>padding="causal"</c>).</summary>
    public static Padding Causal { get; } = new(PaddingKind.Causal, 0, 0, 0, 0);

    public static Padding Explicit(int all) => new(PaddingKind.Explicit, all, all, all, all);

    public static Padding Explicit(int vertical, int horizontal) =>
        new(PaddingKind.Explicit, vertical, horizontal, vertical, horizontal);

    public static Padding Explicit(int top, int left, int bottom, int right) =>
        new(PaddingKind.Explicit, top, left, bottom, right);

    /// <summary>The same amount on every side: <c>padding: 1</c>.</summary>
    public static implicit operator Padding(int all) => Explicit(all);

    /// <summary>The amounts (top, left, bottom, right) for an input of <paramref name="h"/>×<paramref name="w"/>.</summary>
    public (int Top, int Left, int Bottom, int Right) Resolve(int h, int w, Size2 kernel, Size2 strides, Size2 dilation)
    {
        switch (Kind)
        {
            case PaddingKind.Same:
                var (top, bottom) = SameAmounts(h, kernel.Height, strides.Height, dilation.Height);
                var (left, right) = SameAmounts(w, kernel.Width, strides.Width, dilation.Width);
                return (top, left, bottom, right);
            case PaddingKind.Explicit:
                return (Top, Left, Bottom, Right);
            case PaddingKind.Causal:
                throw new ArgumentException("causal padding applies to Conv1D only");
            default:
                return (0, 0, 0, 0);
        }
    }

    /// <summary>
    /// Per-axis amounts (before, after) for a 1-D or 3-D window over <paramref name="input"/> (the spatial sizes):
    /// Same by the TensorFlow rule on each axis, Causal (1-D only) dilation·(k − 1) before, Explicit from
    /// (left, right) in 1-D and from one amount on every side in 3-D.
    /// </summary>
    internal (int[] Before, int[] After) ResolveAxes(int[] input, int[] kernel, int[] strides, int[] dilations)
    {
        int k = input.Length;
        var before = new int[k];
        var after = new int[k];
        for (int a = 0; a < k; a++)
        {
            switch (Kind)
            {
                case PaddingKind.Same:
                    (before[a], after[a]) = SameAmounts(input[a], kernel[a], strides[a], dilations[a]);
                    break;
                case PaddingKind.Causal when k == 1:
                    before[a] = dilations[a] * (kernel[a] - 1);
                    break;
                case PaddingKind.Causal:
                    throw new ArgumentException("causal padding applies to Conv1D only");
                case PaddingKind.Explicit when k == 1:
                    (before[a], after[a]) = (Left, Right);
                    break;
                case PaddingKind.Explicit when Top == Left && Left == Bottom && Bottom == Right:
                    (before[a], after[a]) = (Top, Top);
                    break;
                case PaddingKind.Explicit:
                    throw new ArgumentException($"explicit padding {this} has no meaning for {k} spatial axes; give " +
                        "one amount for every side");
            }
        }
        return (before, after);
    }

    /// <summary>TensorFlow 'same': total = max((ceil(size/stride) − 1)·stride + (k − 1)·d + 1 − size, 0), extra after.</summary>
    public static (int Before, int After) SameAmounts(int size, int kernel, int stride, int dilation)
    {
        int outSize = (size + stride - 1) / stride;
        int total = Math.Max((outSize - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>Config form: "Valid", "Same" or [top, left, bottom, right].</summary>
    public JsonNode ToConfig() => Kind == PaddingKind.Explicit ? new JsonArray(Top, Left, Bottom, Right) : JsonValue.Create(Kind.ToString());

    public static Padding FromConfig(JsonNode? node)
    {
        if (node is null)
            return Valid;
        if (node is JsonArray a && a.Count == 4)
            return Explicit(a[0]!.GetValue<int>(), a[1]!.GetValue<int>(), a[2]!.GetValue<int>(), a[3]!.GetValue<int>());
        return node.GetValue<string>() switch
        {
            "Valid" => Valid,
            "Same" => Same,
            "Causal" => Causal,
            var s => throw new FoveaException(
                $"unknown padding '{s}'; expected \"Valid\", \"Same\", \"Causal\" or [top, left, bottom, right]"),
        };
    }

    public override string ToString() => Kind == PaddingKind.Explicit ? $"({Top}, {Left}, {Bottom}, {Right})" : Kind.ToString();
}
