using Fovea.Layers;

namespace Fovea.Vision.Segmentation;

/// <summary>
/// torchvision's segmentation heads as Fovea layers named by torchvision's module paths, so that state dicts map one
/// to one: <c>DeepLabHead</c> (ASPP, 3×3 convolution, BatchNorm, ReLU, 1×1 classifier), <c>ASPP</c>, <c>FCNHead</c>
/// and <c>LRASPPHead</c> (torchvision's class names).
/// BatchNorm as <c>nn.BatchNorm2d</c>'s defaults (ε = 1e−5, PyTorch momentum 0.1).
/// </summary>
internal static class SegmentationHeads
{
    /// <summary>torchvision's ASPP rates for DeepLabV3 at output stride 8.</summary>
    public static readonly int[] DeepLabRates = [12, 24, 36];

    /// <summary><c>nn.Conv2d(in, filters, kernel, padding=dilation·(kernel − 1)/2, dilation)</c>.</summary>
    public static Conv2D Conv(int filters, int kernel, string name, int dilation = 1, bool bias = false) =>
        new(filters, kernel, 1, Padding.Explicit(dilation * (kernel - 1) / 2), dilation, useBias: bias,
            kernelInitializer: Initializers.HeNormal, name: name);

    /// <summary><c>nn.BatchNorm2d</c> with PyTorch's defaults.</summary>
    public static BatchNormalization Bn(string name) => new(momentum: 0.9f, epsilon: 1e-5f, name: name);

    /// <summary>Convolution (no bias), BatchNorm, ReLU at <c>prefix.0/.1/.2</c>.</summary>
    public static SymbolicTensor ConvBnRelu(SymbolicTensor x, int filters, int kernel, string prefix, int dilation = 1)
    {
        x = Conv(filters, kernel, prefix + ".0", dilation).Call(x);
        x = Bn(prefix + ".1").Call(x);
        return new ReLU(name: prefix + ".2").Call(x);
    }

    /// <summary>
    /// torchvision's <c>ASPP(in, rates, 256)</c> at <paramref name="prefix"/>: a 1×1 branch (<c>convs.0</c>), one
    /// 3×3 branch per rate with that dilation (<c>convs.1..</c>), the image-pooling branch (<c>convs.k</c>: global
    /// average pooling, 1×1 convolution, BatchNorm (or none), ReLU, bilinear resize back to H × W), concatenated and
    /// projected by a 1×1 convolution, BatchNorm and ReLU with dropout 0.5 (<c>project.0..3</c>).
    /// </summary>
    /// <param name="x">The feature map [N, C, H, W].</param>
    /// <param name="rates">The dilation of each 3×3 branch.</param>
    /// <param name="prefix">The module path ("classifier.0").</param>
    /// <param name="channels">Channels of every branch and of the projection (torchvision: 256).</param>
    /// <param name="poolingNorm">False leaves the pooling branch without BatchNorm (its convolution then has a bias):
    /// BatchNorm over a 1×1 map cannot train at batch size 1, where each channel holds one value.</param>
    public static SymbolicTensor Aspp(SymbolicTensor x, int[] rates, string prefix, int channels = 256,
        bool poolingNorm = true)
    {
        var branches = new List<SymbolicTensor> { ConvBnRelu(x, channels, 1, $"{prefix}.convs.0") };
        for (int i = 0; i < rates.Length; i++)
            branches.Add(ConvBnRelu(x, channels, 3, $"{prefix}.convs.{i + 1}", rates[i]));
        string pool = $"{prefix}.convs.{rates.Length + 1}";
        var p = new GlobalAveragePooling2D(keepDims: true, name: pool + ".0").Call(x);
        p = Conv(channels, 1, pool + ".1", bias: !poolingNorm).Call(p);
        if (poolingNorm)
            p = Bn(pool + ".2").Call(p);
        p = new ReLU(name: pool + ".3").Call(p);
        branches.Add(new Resizing(x.Shape[1], x.Shape[2], name: pool + ".resize").Call(p));
        var y = new Concatenate(name: prefix + ".concat").Call(branches);
        y = ConvBnRelu(y, channels, 1, $"{prefix}.project");
        return new Dropout(0.5, name: $"{prefix}.project.3").Call(y);
    }

    /// <summary>torchvision's <c>DeepLabHead(in, classes)</c>: ASPP (<c>.0</c>), 3×3 convolution to 256 channels,
    /// BatchNorm, ReLU (<c>.1..3</c>), 1×1 classifier with bias (<c>.4</c>).</summary>
    public static SymbolicTensor DeepLabHead(SymbolicTensor x, int classes, string prefix)
    {
        var y = Aspp(x, DeepLabRates, prefix + ".0");
        y = Conv(256, 3, prefix + ".1").Call(y);
        y = Bn(prefix + ".2").Call(y);
        y = new ReLU(name: prefix + ".3").Call(y);
        return Conv(classes, 1, prefix + ".4", bias: true).Call(y);
    }

    /// <summary>torchvision's <c>FCNHead(in, classes)</c>: 3×3 convolution to in/4 channels, BatchNorm, ReLU,
    /// dropout 0.1 (<c>.0..3</c>), 1×1 classifier with bias (<c>.4</c>).</summary>
    public static SymbolicTensor FcnHead(SymbolicTensor x, int classes, string prefix)
    {
        var y = ConvBnRelu(x, x.Shape[0] / 4, 3, prefix);
        y = new Dropout(0.1, name: prefix + ".3").Call(y);
        return Conv(classes, 1, prefix + ".4", bias: true).Call(y);
    }

    /// <summary>
    /// torchvision's <c>LrasppHead(low, high, classes, inter)</c>: cbr(high) = 1×1 convolution, BatchNorm, ReLU;
    /// scale(high) = sigmoid(1×1 convolution of the global average); their product resized bilinearly to the low-level
    /// map's size, classified (<c>high_classifier</c>) and added to the low-level map's classification
    /// (<c>low_classifier</c>).
    /// </summary>
    public static SymbolicTensor LrasppHead(SymbolicTensor low, SymbolicTensor high, int classes, string prefix,
        int inter = 128)
    {
        var x = ConvBnRelu(high, inter, 1, prefix + ".cbr");
        var s = new GlobalAveragePooling2D(keepDims: true, name: prefix + ".scale.0").Call(high);
        s = Conv(inter, 1, prefix + ".scale.1").Call(s);
        s = new Activation(Activations.Sigmoid, name: prefix + ".scale.2").Call(s);
        x = new Multiply(name: prefix + ".multiply").Call([x, s]);
        x = new Resizing(low.Shape[1], low.Shape[2], name: prefix + ".resize").Call(x);
        var l = Conv(classes, 1, prefix + ".low_classifier", bias: true).Call(low);
        var h = Conv(classes, 1, prefix + ".high_classifier", bias: true).Call(x);
        return new Add(name: prefix + ".add").Call([l, h]);
    }
}
