using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Adaptive average pooling (PyTorch <c>AdaptiveAvgPool2d</c>; Keras 3 <c>AdaptiveAveragePooling2D</c>):
/// [N, C, H, W] → [N, C, OH, OW] for any input size. Output row i averages input rows ⌊i·H/OH⌋ to ⌈(i+1)·H/OH⌉ − 1
/// (columns likewise), so windows overlap when OH does not divide H and repeat rows when OH &gt; H. torchvision's
/// AlexNet and VGG pool to 7×7 before their classifier, most other models to 1×1 (a global average that keeps the
/// two spatial axes). ONNX export: GlobalAveragePool for 1×1, AveragePool when the output size divides the input size,
/// otherwise refused.
/// </summary>
/// <example><code>new AdaptiveAveragePooling2D(7)</code></example>
[RegisterLayer]
public sealed class AdaptiveAveragePooling2D : Layer
{
    /// <param name="outputSize">The output height and width (OH, OW), both positive.</param>
    /// <param name="name">The layer's name.</param>
    public AdaptiveAveragePooling2D(Size2 outputSize, string? name = null)
        : base(name)
    {
        if (!outputSize.IsPositive)
            throw new ArgumentOutOfRangeException(nameof(outputSize),
                $"AdaptiveAveragePooling2D: output size must be positive, received {outputSize}");
        OutputSize = outputSize;
    }

    /// <summary>The output height and width.</summary>
    public Size2 OutputSize { get; }

    protected override Shape? ComputeOutputShape(Shape inputShape) =>
        inputShape.Rank == 4 && inputShape[2] > 0 && inputShape[3] > 0
            ? new Shape(inputShape[0], inputShape[1], OutputSize.Height, OutputSize.Width)
            : throw ShapeError("[N, C, H, W] with H, W > 0", inputShape);

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank != 4 || x.Shape[2] == 0 || x.Shape[3] == 0)
            throw ShapeError("[N, C, H, W] with H, W > 0", x.Shape);
        return Functional.AdaptiveAvgPool2D(x, OutputSize);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["output_size"] = LayerConfig.Pair(OutputSize);
        return c;
    }

    public static AdaptiveAveragePooling2D FromConfig(JsonObject c) =>
        LayerConfig.Common(new AdaptiveAveragePooling2D(LayerConfig.ReadPair(c["output_size"], 1), LayerConfig.Name(c)), c);
}
