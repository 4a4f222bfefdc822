using Fovea.Layers;
using static Fovea.Models.Zoo.TorchModules;

namespace Fovea.Models.Zoo;

/// <summary>
/// GoogLeNet (Inception v1) as torchvision builds it (<c>googlenet()</c>: <c>aux_logits=True</c>,
/// <c>transform_input=False</c>): BasicConv2d blocks "conv1" … (convolution without bias "x.conv", BatchNorm ε = 1e−3
/// "x.bn", ReLU), max pooling with PyTorch's <c>ceil_mode=True</c> (the extra bottom/right row and column are
/// padding, which never wins a max), inception blocks "inception3a" … "inception5b" with branches "branch1" …
/// "branch4" (torchvision's 3×3 in place of the paper's 5×5 in branch3), adaptive average pooling, dropout 0.2 and
/// "fc". With <c>auxLogits</c> the two auxiliary classifiers "aux1" (after inception4a) and "aux2" (after
/// inception4d) are built too, so torchvision's state dict loads completely: the model then has three outputs,
/// in torchvision's training order (logits, aux2, aux1); in inference only the first is the prediction
/// (torchvision's eval mode returns only it). <c>includeTop: false</c> stops after the pooling (1024 features) and
/// has no auxiliary heads.
/// </summary>
public static class GoogLeNet
{
    private const float Epsilon = 1e-3f;

    /// <summary>Builds GoogLeNet; <paramref name="inputShape"/> defaults to [3, 224, 224].</summary>
    public static Model Create(int classes = 1000, bool includeTop = true, int[]? inputShape = null, int seed = 0,
        bool auxLogits = true)
    {
        using var seeded = Layer.Seeded(seed);
        var inputs = Input.Create(inputShape ?? [3, 224, 224], "input");
        var x = Basic(inputs, 64, 7, "conv1", stride: 2, padding: 3);
        x = CeilMaxPool(x, 3, 2, "maxpool1");
        x = Basic(x, 64, 1, "conv2");
        x = Basic(x, 192, 3, "conv3", padding: 1);
        x = CeilMaxPool(x, 3, 2, "maxpool2");
        x = Inception(x, 64, 96, 128, 16, 32, 32, "inception3a");
        x = Inception(x, 128, 128, 192, 32, 96, 64, "inception3b");
        x = CeilMaxPool(x, 3, 2, "maxpool3");
        x = Inception(x, 192, 96, 208, 16, 48, 64, "inception4a");
        var aux1In = x;
        x = Inception(x, 160, 112, 224, 24, 64, 64, "inception4b");
        x = Inception(x, 128, 128, 256, 24, 64, 64, "inception4c");
        x = Inception(x, 112, 144, 288, 32, 64, 64, "inception4d");
        var aux2In = x;
        x = Inception(x, 256, 160, 320, 32, 128, 128, "inception4e");
        x = CeilMaxPool(x, 2, 2, "maxpool4");
        x = Inception(x, 256, 160, 320, 32, 128, 128, "inception5a");
        x = Inception(x, 384, 192, 384, 48, 128, 128, "inception5b");
        x = new GlobalAveragePooling2D("avgpool").Call(x);
        if (!includeTop)
            return new Model(inputs, x, "googlenet", seed);
        SymbolicTensor? aux1 = null, aux2 = null;
        if (auxLogits)
        {
            aux1 = Aux(aux1In, classes, "aux1");
            aux2 = Aux(aux2In, classes, "aux2");
        }
        x = new Dropout(0.2, "dropout").Call(x);
        x = Linear(classes, "fc").Call(x);
        return auxLogits
            ? new Model([inputs], [x, aux2!, aux1!], "googlenet", seed)
            : new Model(inputs, x, "googlenet", seed);
    }

    /// <summary>torchvision's BasicConv2d: convolution without bias, BatchNorm (ε = 1e−3), ReLU.</summary>
    internal static SymbolicTensor Basic(SymbolicTensor x, int filters, Size2 kernel, string prefix, Size2? stride = null,
        Size2? padding = null, float epsilon = Epsilon)
    {
        x = Conv(filters, kernel, $"{prefix}.conv", stride, padding, bias: false).Call(x);
        x = Bn($"{prefix}.bn", epsilon).Call(x);
        return new ReLU($"{prefix}.relu").Call(x);
    }

    /// <summary>
    /// PyTorch's <c>MaxPool2d(kernel, stride, ceil_mode=True)</c> without padding: output size
    /// ⌈(H − k)/s⌉ + 1, less one when the last window would start past the input; the missing cells are padding at the
    /// bottom and right.
    /// </summary>
    internal static SymbolicTensor CeilMaxPool(SymbolicTensor x, int kernel, int stride, string name)
    {
        int Extra(int size)
        {
            int output = (size - kernel + stride - 1) / stride + 1;
            if ((output - 1) * stride >= size)
                output--;
            return Math.Max(0, (output - 1) * stride + kernel - size);
        }
        var padding = Padding.Explicit(0, 0, Extra(x.Shape[1]), Extra(x.Shape[2]));
        return new MaxPooling2D(kernel, stride, padding, name).Call(x);
    }

    private static SymbolicTensor Inception(SymbolicTensor x, int ch1x1, int ch3x3red, int ch3x3, int ch5x5red,
        int ch5x5, int poolProj, string prefix)
    {
        var b1 = Basic(x, ch1x1, 1, $"{prefix}.branch1");
        var b2 = Basic(x, ch3x3red, 1, $"{prefix}.branch2.0");
        b2 = Basic(b2, ch3x3, 3, $"{prefix}.branch2.1", padding: 1);
        var b3 = Basic(x, ch5x5red, 1, $"{prefix}.branch3.0");
        b3 = Basic(b3, ch5x5, 3, $"{prefix}.branch3.1", padding: 1);
        var b4 = new MaxPooling2D(3, 1, Padding.Explicit(1), $"{prefix}.branch4.0").Call(x);
        b4 = Basic(b4, poolProj, 1, $"{prefix}.branch4.1");
        return new Concatenate(1, $"{prefix}.concat").Call([b1, b2, b3, b4]);
    }

    private static SymbolicTensor Aux(SymbolicTensor x, int classes, string prefix)
    {
        x = new AdaptiveAveragePooling2D(4, $"{prefix}.avgpool").Call(x);
        x = Basic(x, 128, 1, $"{prefix}.conv");
        x = new Flatten($"{prefix}.flatten").Call(x);
        x = Linear(1024, $"{prefix}.fc1").Call(x);
        x = new ReLU($"{prefix}.relu").Call(x);
        x = new Dropout(0.7, $"{prefix}.dropout").Call(x);
        return Linear(classes, $"{prefix}.fc2").Call(x);
    }
}
