using System.Diagnostics;
using System.Globalization;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Training;
using Fovea.Vision.Datasets;
using Fovea.Vision.Segmentation;

namespace Fovea.Examples.Segmentation;

/// <summary>
/// The walkthrough's section 4.2 ("a label for every pixel") in C#: a U-Net, an encoder-decoder whose skip
/// connections concatenate the encoder's high-resolution maps with the upsampled decoder maps, and a DeepLab, whose
/// atrous (dilated) convolutions widen the view without losing resolution and whose atrous spatial pyramid pooling
/// (ASPP) looks at several scales at once. Both are written out layer by layer with the functional API (the library's
/// full-size versions are <c>UNet.Create</c> and <c>DeepLabV3Plus.Create</c>) and trained on the generated
/// Fashion-MNIST segmentation dataset; the score is the validation mIoU from one confusion matrix over the split.
/// <code>
/// dotnet run -c Release --project examples/Segmentation -- [--train 300] [--val 60] [--size 64] [--epochs 10]
/// </code>
/// </summary>
public static class SegmentationExample
{
    /// <summary>
    /// A U-Net: <paramref name="depth"/> encoder levels of two 3×3 convolutions (BatchNorm, ReLU) then 2×2 max
    /// pooling, doubling the width each level; a bottleneck; decoder levels that upsample with a stride-2 transposed
    /// convolution, concatenate the encoder's map of the same size (the skip connection) and apply two convolutions;
    /// a 1×1 convolution to one logit per class and pixel: [N, 3, size, size] → [N, classes, size, size].
    /// </summary>
    public static Model BuildUNet(int classes, int size, int filters = 16, int depth = 3, int seed = 0)
    {
        using var seeded = Layer.Seeded(seed);
        var input = Input.Create([3, size, size], "image");
        var skips = new List<SymbolicTensor>();
        var x = input;
        for (int level = 0; level < depth; level++)          // encoder: contracting path
        {
            x = ConvBlock(x, filters << level);
            skips.Add(x);                                     // kept for the skip connection
            x = new MaxPooling2D(2).Call(x);
        }
        x = ConvBlock(x, filters << depth);                   // bottleneck
        for (int level = depth - 1; level >= 0; level--)     // decoder: expanding path
        {
            x = new Conv2DTranspose(filters << level, 2, 2).Call(x);
            x = new Concatenate().Call([skips[level], x]);    // high-resolution encoder features + upsampled ones
            x = ConvBlock(x, filters << level);
        }
        var logits = new Conv2D(classes, 1, name: "logits").Call(x);
        return new Model(input, logits, "unet_example", seed);
    }

    /// <summary>
    /// A DeepLab: a small backbone down to stride 4, two atrous convolutions (dilation 2) that keep that resolution,
    /// ASPP (a 1×1 branch, 3×3 branches with dilation <paramref name="rates"/>, and an image-level branch: global
    /// average pooling, 1×1 convolution, resized back), concatenated and projected by a 1×1 convolution, then a 1×1
    /// classifier and a bilinear resize to the input: [N, 3, size, size] → [N, classes, size, size].
    /// </summary>
    public static Model BuildDeepLab(int classes, int size, int filters = 32, int[]? rates = null, int seed = 0)
    {
        rates ??= [2, 4, 6];
        using var seeded = Layer.Seeded(seed);
        var input = Input.Create([3, size, size], "image");
        var x = ConvBnRelu(input, filters, 3, strides: 2);            // stride 2
        x = ConvBnRelu(x, filters, 3);
        x = ConvBnRelu(x, filters * 2, 3, strides: 2);                 // stride 4
        x = ConvBnRelu(x, filters * 2, 3, dilation: 2);                // atrous: wider view, same resolution
        x = ConvBnRelu(x, filters * 2, 3, dilation: 2);
        int f = size / 4;
        var branches = new List<SymbolicTensor> { ConvBnRelu(x, filters * 2, 1) };
        foreach (int rate in rates)                                     // ASPP: one branch per scale
            branches.Add(ConvBnRelu(x, filters * 2, 3, dilation: rate));
        var pooled = new GlobalAveragePooling2D(keepDims: true).Call(x); // image-level context
        pooled = new Conv2D(filters * 2, 1, activation: Activations.Relu).Call(pooled);
        branches.Add(new Resizing(f, f).Call(pooled));
        x = new Concatenate().Call(branches);
        x = ConvBnRelu(x, filters * 2, 1);                              // project the pyramid
        x = new Conv2D(classes, 1).Call(x);
        var logits = new Resizing(size, size, name: "logits").Call(x); // back to one logit per input pixel
        return new Model(input, logits, "deeplab_example", seed);
    }

    private static SymbolicTensor ConvBlock(SymbolicTensor x, int width)
    {
        x = ConvBnRelu(x, width, 3);
        return ConvBnRelu(x, width, 3);
    }

    private static SymbolicTensor ConvBnRelu(SymbolicTensor x, int width, int kernel, int strides = 1,
        int dilation = 1)
    {
        x = new Conv2D(width, kernel, strides: strides, padding: Padding.Same, dilationRate: dilation, useBias: false)
            .Call(x);
        x = new BatchNormalization().Call(x);
        return new ReLU().Call(x);
    }

    /// <summary>What one training run measured.</summary>
    /// <param name="MeanIoU">Validation mIoU (one confusion matrix over the split).</param>
    /// <param name="PerClassIoU">Validation IoU per class (NaN for a class neither present nor predicted).</param>
    /// <param name="Elapsed">Wall time of training and evaluation.</param>
    /// <param name="History">Loss and metrics per epoch.</param>
    public sealed record Result(double MeanIoU, double[] PerClassIoU, TimeSpan Elapsed, History History);

    /// <summary>Trains <paramref name="model"/> with per-pixel cross-entropy (AdamW) on <paramref name="train"/>,
    /// with joint flip / scale / colour augmentation, and scores it on <paramref name="val"/>.</summary>
    public static Result TrainAndEvaluate(Model model, SegmentationFolder train, SegmentationFolder val, int classes,
        int epochs, int batchSize, double learningRate = 3e-3, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(val);
        var clock = Stopwatch.StartNew();
        model.Compile(new AdamW(learningRate, weightDecay: 1e-4), new PixelCrossentropy(ignoreIndex: 255),
            [new MeanIoU(classes, ignoreIndex: 255)]);
        var data = train.ToDataset();
        var history = model.Fit(data, epochs: epochs, batchSize: batchSize, validationData: val.ToDataset(),
            callbacks: [new SegmentationAugmenter(data, new SegmentationAugmentation(), seed)], verbose: 0);
        var (matrix, _) = SegmentationReport.Evaluate(model, val.Images, val.Masks, classes);
        return new Result(matrix.MeanIoU, matrix.IoU(), clock.Elapsed, history);
    }

    public static int Main(string[] args)
    {
        int trainCount = Option(args, "--train", 300), valCount = Option(args, "--val", 60);
        int size = Option(args, "--size", 64), epochs = Option(args, "--epochs", 10);
        string dir = Path.Combine(Path.GetTempPath(), $"fovea-segmentation-example-{size}");
        if (!Directory.Exists(Path.Combine(dir, "val")))
        {
            FashionDetection.Generate(dir, trainCount, valCount, seed: 0, new FashionDetectionOptions
            {
                CanvasWidth = size, CanvasHeight = size, MaxObjectSize = size * 3 / 4, MaxObjects = 6,
            });
        }
        var train = SegmentationFolder.Load(Path.Combine(dir, "train"));
        var val = SegmentationFolder.Load(Path.Combine(dir, "val"));
        int classes = FashionDetection.ClassNames.Count + 1;       // + background
        Console.WriteLine($"{train.Count} training and {val.Count} validation images {size}x{size}, {classes} classes");
        var models = new[] { ("U-Net", BuildUNet(classes, size)), ("DeepLab", BuildDeepLab(classes, size)) };
        foreach (var (name, model) in models)
        {
            var r = TrainAndEvaluate(model, train, val, classes, epochs, batchSize: 8);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name}: {model.ParameterCount:N0} parameters, val mIoU {r.MeanIoU:F4} after {epochs} epochs, " +
                $"{r.Elapsed.TotalSeconds:F0} s"));
        }
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
