using Fovea.Layers;
using Fovea.Models;

namespace Fovea.Vision.Detectors.Yolo;

/// <summary>
/// The YOLO-style network as a Fovea functional graph (YOLOv8's layout, written from its published description):
/// a CSP backbone of C2f blocks (two 1×1 branches, a chain of residual 3×3 bottlenecks whose every output is
/// concatenated, a 1×1 fusion), SPPF (three chained 5×5 max pools), a PAN neck (top-down upsampling and
/// concatenation,
/// then bottom-up stride-2 convolutions) and a decoupled head per stride 8, 16, 32: a box branch (two 3×3
/// convolutions, a 1×1 to 4·(regMax + 1) distribution logits) and a class branch (two 3×3, a 1×1 to the class
/// logits). Every convolution but the last of each branch is Conv2D (no bias) + BatchNormalization + SiLU.
/// Shape: input [N, 3, S, S] (S a multiple of 32) → three outputs [N, 4·(regMax + 1) + classes, S/s, S/s] for
/// s = 8, 16, 32: the box logits first, then the class logits.
/// </summary>
public static class YoloNetwork
{
    /// <summary>The strides of the three outputs.</summary>
    public static IReadOnlyList<int> Strides { get; } = [8, 16, 32];

    /// <summary>Depth multiplier, width multiplier and largest channel count of a size (YOLOv8's n/s/m scales).
    /// </summary>
    public static (double Depth, double Width, int MaxChannels) Scale(YoloSize size) => size switch
    {
        YoloSize.N => (0.33, 0.25, 1024),
        YoloSize.S => (0.33, 0.50, 1024),
        YoloSize.M => (0.67, 0.75, 768),
        _ => throw new FoveaException($"YoloNetwork: unknown size {size}"),
    };

    /// <summary>Builds the network.</summary>
    /// <param name="size">n, s or m.</param>
    /// <param name="classes">Number of classes.</param>
    /// <param name="imageSize">Square input side S (a positive multiple of 32).</param>
    /// <param name="regMax">Largest distance bin of the box distributions (bins 0..regMax).</param>
    /// <param name="seed">Seed of the initial weights.</param>
    public static Model Create(YoloSize size, int classes, int imageSize, int regMax = 15, int seed = 0)
    {
        if (classes <= 0)
            throw new FoveaException($"YoloNetwork: classes must be positive, received {classes}");
        if (imageSize <= 0 || imageSize % 32 != 0)
            throw new FoveaException($"YoloNetwork: image size {imageSize}; expected a positive multiple of 32");
        if (regMax <= 0)
            throw new FoveaException($"YoloNetwork: regMax must be positive, received {regMax}");
        var (depth, width, maxChannels) = Scale(size);
        int Ch(int c) => Math.Max(8, (int)Math.Ceiling(Math.Min(c, maxChannels) * width / 8) * 8);
        int Depth(int n) => Math.Max(1, (int)Math.Round(n * depth));

        using var seeded = Layer.Seeded(seed);
        var input = Input.Create([3, imageSize, imageSize], "images");
        var x = Conv(input, Ch(64), 3, 2, "backbone.0");
        x = Conv(x, Ch(128), 3, 2, "backbone.1");
        x = C2f(x, Ch(128), Depth(3), true, "backbone.2");
        x = Conv(x, Ch(256), 3, 2, "backbone.3");
        var p3 = C2f(x, Ch(256), Depth(6), true, "backbone.4");
        x = Conv(p3, Ch(512), 3, 2, "backbone.5");
        var p4 = C2f(x, Ch(512), Depth(6), true, "backbone.6");
        x = Conv(p4, Ch(1024), 3, 2, "backbone.7");
        x = C2f(x, Ch(1024), Depth(3), true, "backbone.8");
        var p5 = Sppf(x, Ch(1024), "backbone.9");

        var up = new UpSampling2D(2, name: "neck.up4").Call(p5);
        var n4 = C2f(new Concatenate(1, "neck.cat4").Call([up, p4]), Ch(512), Depth(3), false, "neck.td4");
        up = new UpSampling2D(2, name: "neck.up3").Call(n4);
        var o3 = C2f(new Concatenate(1, "neck.cat3").Call([up, p3]), Ch(256), Depth(3), false, "neck.out3");
        var down = Conv(o3, Ch(256), 3, 2, "neck.down3");
        var o4 = C2f(new Concatenate(1, "neck.cat_d4").Call([down, n4]), Ch(512), Depth(3), false, "neck.out4");
        down = Conv(o4, Ch(512), 3, 2, "neck.down4");
        var o5 = C2f(new Concatenate(1, "neck.cat_d5").Call([down, p5]), Ch(1024), Depth(3), false, "neck.out5");

        var levels = new[] { o3, o4, o5 };
        int boxChannels = Math.Max(Math.Max(16, levels[0].Shape[0] / 4), 4 * (regMax + 1));
        int clsChannels = Math.Max(levels[0].Shape[0], Math.Min(classes, 100));
        var outputs = new SymbolicTensor[3];
        for (int l = 0; l < 3; l++)
        {
            string p = $"head.{l}";
            var b = Conv(levels[l], boxChannels, 3, 1, p + ".box.0");
            b = Conv(b, boxChannels, 3, 1, p + ".box.1");
            b = new Conv2D(4 * (regMax + 1), 1, biasInitializer: Initializers.Ones, name: p + ".box.2").Call(b);
            var c = Conv(levels[l], clsChannels, 3, 1, p + ".cls.0");
            c = Conv(c, clsChannels, 3, 1, p + ".cls.1");
            // Prior: about 5 objects per 640x640 image spread over the classes and cells (YOLOv8's bias start).
            double cells = Math.Pow(640.0 / Strides[l], 2);
            float prior = (float)Math.Log(5.0 / classes / cells);
            c = new Conv2D(classes, 1, biasInitializer: Initializers.Constant(prior), name: p + ".cls.2").Call(c);
            outputs[l] = new Concatenate(1, p + ".out").Call([b, c]);
        }
        return new Model([input], outputs, $"yolo-{size.ToString().ToLowerInvariant()}", seed);
    }

    /// <summary>Conv2D (no bias, padding k/2) + BatchNormalization (PyTorch momentum 0.03, ε 1e−3) + SiLU.</summary>
    private static SymbolicTensor Conv(SymbolicTensor x, int filters, int kernel, int stride, string name)
    {
        var y = new Conv2D(filters, kernel, stride, Padding.Explicit(kernel / 2), useBias: false,
            kernelInitializer: Initializers.HeNormal, name: name + ".conv").Call(x);
        y = new BatchNormalization(momentum: 0.97f, epsilon: 1e-3f, name: name + ".bn").Call(y);
        return new Activation(Activations.Silu, name: name + ".act").Call(y);
    }

    /// <summary>C2f: two 1×1 branches a, b of c/2 channels each (YOLOv8's single 1×1 split in two), a chain of
    /// n bottlenecks on b, all of a, b and every bottleneck output concatenated, and a 1×1 to c.</summary>
    private static SymbolicTensor C2f(SymbolicTensor x, int filters, int n, bool shortcut, string name)
    {
        int hidden = filters / 2;
        var parts = new List<SymbolicTensor> { Conv(x, hidden, 1, 1, name + ".cv1a"), Conv(x, hidden, 1, 1,
            name + ".cv1b") };
        for (int i = 0; i < n; i++)
        {
            var y = Conv(parts[^1], hidden, 3, 1, $"{name}.m.{i}.cv1");
            y = Conv(y, hidden, 3, 1, $"{name}.m.{i}.cv2");
            parts.Add(shortcut ? new Add($"{name}.m.{i}.add").Call([parts[^1], y]) : y);
        }
        return Conv(new Concatenate(1, name + ".cat").Call(parts), filters, 1, 1, name + ".cv2");
    }

    /// <summary>SPPF: a 1×1 to c/2, three chained 5×5 stride-1 max pools, the four concatenated, a 1×1 to c.
    /// </summary>
    private static SymbolicTensor Sppf(SymbolicTensor x, int filters, string name)
    {
        var a = Conv(x, filters / 2, 1, 1, name + ".cv1");
        var p1 = new MaxPooling2D(5, 1, Padding.Explicit(2), name + ".pool1").Call(a);
        var p2 = new MaxPooling2D(5, 1, Padding.Explicit(2), name + ".pool2").Call(p1);
        var p3 = new MaxPooling2D(5, 1, Padding.Explicit(2), name + ".pool3").Call(p2);
        return Conv(new Concatenate(1, name + ".cat").Call([a, p1, p2, p3]), filters, 1, 1, name + ".cv2");
    }
}
