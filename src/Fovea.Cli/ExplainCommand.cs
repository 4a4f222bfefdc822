using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Fovea.Data;
using Fovea.Explain;
using Fovea.IO;
using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Cli;

/// <summary>
/// <c>fovea explain</c>: attributions of a model's class logit (pre-softmax) for the samples of a .npy file, written
/// as .npy and, with <c>--overlays</c>, as heatmaps over the images (PNG). For the CAM methods the .npy holds the maps
/// at the layer's resolution [N, 1, h, w], after the ReLU and before upsampling and normalisation; for the others the
/// attributions [N, C, H, W] (LIME and KernelSHAP: [N, 1, H, W], one value per superpixel). Zoo models
/// (<c>zoo:&lt;name&gt;</c> with <c>--weights</c>) take torchvision layer names (<c>layer4</c>, <c>features</c>).
/// </summary>
internal static class ExplainCommand
{
    private static readonly string[] s_methods =
    [
        "gradcam", "gradcampp", "hirescam", "layercam", "saliency", "smoothgrad", "ig", "guidedbackprop",
        "gradientshap", "occlusion", "lime", "kernelshap",
    ];

    public static Command Create()
    {
        var model = new Option<string>("--model")
        {
            Description = "An ONNX file, a saved model folder, or zoo:<name> with --weights",
            Required = true,
        };
        var weights = new Option<string?>("--weights") { Description = "For zoo:<name>: the torchvision state dict" };
        var input = new Option<string?>("--input") { Description = "A .npy file with images [N, C, H, W]" };
        var images = new Option<string?>("--images")
        {
            Description = "Instead of --input: a folder of image files (JPEG, PNG, ...), read in name order, " +
                "centre-cropped to --image-size and scaled to [0, 1]",
        };
        var imageSize = new Option<int?>("--image-size")
        {
            Description = "With --images: the square size (default: the model's input size, else 224)",
        };
        var normalize = new Option<string>("--normalize")
        {
            Description = "With --images: imagenet (torchvision's mean and std; the default for zoo models) or none",
        };
        normalize.AcceptOnlyFromAmong("imagenet", "none");
        var method = new Option<string>("--method")
        {
            Description = "One of " + string.Join(", ", s_methods),
            Required = true,
        };
        method.AcceptOnlyFromAmong(s_methods);
        var layer = new Option<string?>("--layer")
        {
            Description = "For gradcam, gradcampp, hirescam, layercam: the layer (or torchvision module, e.g. layer4)",
        };
        var target = new Option<int?>("--target")
        {
            Description = "The class whose logit is explained (default: each sample's top class)",
        };
        var output = new Option<string>("--output") { Description = "The .npy file to write", Required = true };
        var overlays = new Option<string?>("--overlays") { Description = "A folder for one heatmap PNG per sample" };
        var steps = new Option<int>("--steps")
        {
            Description = "Integration steps (ig) or samples (smoothgrad, gradientshap, lime, kernelshap)",
            DefaultValueFactory = _ => 50,
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Samples per model call",
            DefaultValueFactory = _ => 32,
        };
        var seed = new Option<long>("--seed")
        {
            Description = "Seed of the sampling methods",
            DefaultValueFactory = _ => 0,
        };
        var window = new Option<int>("--window")
        {
            Description = "Occlusion: side of the square window in pixels",
            DefaultValueFactory = _ => 8,
        };
        var stride = new Option<int>("--stride")
        {
            Description = "Occlusion: step of the window",
            DefaultValueFactory = _ => 4,
        };
        var segments = new Option<int>("--segments")
        {
            Description = "LIME and KernelSHAP: approximate number of SLIC superpixels",
            DefaultValueFactory = _ => 50,
        };
        var command = new Command("explain", "Explain a model's predictions: attribution maps as .npy and PNG overlays")
        {
            model, weights, input, images, imageSize, normalize, method, layer, target, output, overlays, steps,
            batchSize, seed, window, stride, segments,
        };
        command.SetAction(r => Run(new Request(r.GetValue(model)!, r.GetValue(weights), r.GetValue(input),
            new ImageSource(r.GetValue(images), r.GetValue(imageSize), r.GetValue(normalize)),
            r.GetValue(method)!, r.GetValue(layer), r.GetValue(target), r.GetValue(output)!, r.GetValue(overlays),
            r.GetValue(steps), r.GetValue(batchSize), r.GetValue(seed), r.GetValue(window), r.GetValue(stride),
            r.GetValue(segments))));
        return command;
    }

    private sealed record ImageSource(string? Folder, int? Size, string? Normalize);

    private sealed record Request(string Model, string? Weights, string? Input, ImageSource Images, string Method,
        string? Layer, int? Target, string Output, string? Overlays, int Steps, int BatchSize, long Seed, int Window,
        int Stride, int Segments);

    private static int Run(Request q)
    {
        if (q.BatchSize <= 0 || q.Steps <= 0 || q.Window <= 0 || q.Stride <= 0 || q.Segments <= 0)
            return CliRunner.Fail("--batch-size, --steps, --window, --stride and --segments must be positive, " +
                $"received {q.BatchSize}, {q.Steps}, {q.Window}, {q.Stride} and {q.Segments}");
        bool cam = q.Method is "gradcam" or "gradcampp" or "hirescam" or "layercam";
        if (cam && q.Layer is null)
            return CliRunner.Fail($"--method {q.Method} needs --layer NAME (e.g. layer4 for a torchvision ResNet)");
        if ((q.Input is null) == (q.Images.Folder is null))
            return CliRunner.Fail("give either --input x.npy or --images DIR");
        bool zoo = ModelSource.IsZoo(q.Model);
        if (zoo && q.Weights is null)
            return CliRunner.Fail($"--model {q.Model} needs --weights FILE.safetensors (a torchvision state dict)");
        if (!zoo && q.Weights is not null)
            return CliRunner.Fail($"--weights is for zoo:<name> models; '{q.Model}' carries its own weights");
        Model? m = zoo ? null : ModelSource.Load(q.Model);
        var x = q.Input is not null ? Npy.Load(q.Input) : LoadImages(q.Images, m, zoo);
        if (x.Rank != 4 || x.Shape[0] == 0)
        {
            return CliRunner.Fail($"'{q.Input ?? q.Images.Folder}' gives an array of shape {x.Shape}; expected " +
                "images [N, C, H, W]");
        }
        m ??= ModelSource.LoadZoo(q.Model, x.Shape.WithoutBatch().ToArray(), q.Weights!);
        var explainer = Method(q, m);
        var clock = Stopwatch.StartNew();
        int n = x.Shape[0], sample = x.Length / n;
        int[] targets;
        if (q.Target is int t)
            targets = Enumerable.Repeat(t, n).ToArray();
        else
        {
            var logits = m.Predict(x, q.BatchSize);
            int k = logits.Length / n;
            var l = logits.AsReadOnlySpan();
            targets = new int[n];
            for (int i = 0; i < n; i++)
            {
                var row = l.Slice(i * k, k);
                targets[i] = row.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(row));
            }
        }
        var parts = new List<Tensor>();
        foreach (var group in Enumerable.Range(0, n).GroupBy(i => targets[i]))
        {
            var idx = group.ToArray();
            var data = new float[idx.Length * sample];
            for (int j = 0; j < idx.Length; j++)
                x.AsReadOnlySpan().Slice(idx[j] * sample, sample).CopyTo(data.AsSpan(j * sample));
            var a = explainer.Attribute(Tensor.Wrap(data, x.Shape.With(0, idx.Length)), group.Key).Values;
            parts.Add(a);
        }
        var maps = Reorder(parts, Enumerable.Range(0, n).GroupBy(i => targets[i]).Select(g => g.ToArray()).ToList(), n);
        Npy.Save(q.Output, maps);
        if (q.Overlays is not null)
            WriteOverlays(q.Overlays, x, maps, targets);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrote {q.Output}: {maps.Shape} ({q.Method}, {clock.Elapsed.TotalSeconds:F2} s)"));
        return 0;
    }

    /// <summary>The images of <c>--images DIR</c>: square, of the model's input size when it has one.</summary>
    private static Tensor LoadImages(ImageSource source, Model? model, bool zoo)
    {
        var files = ImageFolder.ImageFiles(source.Folder!);
        if (files.Count == 0)
        {
            throw new FoveaException($"'{source.Folder}' holds no image files " +
                $"({string.Join(", ", ImageFolder.Extensions)})");
        }
        var shape = model is { Inputs.Count: 1 } && model.Inputs[0].Shape.Rank == 3 ? model.Inputs[0].Shape : default;
        int size = source.Size ?? (shape.Rank == 3 ? shape[1] : 224);
        var color = shape.Rank == 3 && shape[0] == 1 ? ColorMode.Grayscale : ColorMode.Rgb;
        bool imagenet = (source.Normalize ?? (zoo ? "imagenet" : "none")) == "imagenet";
        var normalization = imagenet ? new Normalization([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]) : null;
        return ImageFolder.LoadFiles(files, size, color, normalization: normalization);
    }

    private static Tensor Reorder(List<Tensor> parts, List<int[]> groups, int n)
    {
        int per = parts[0].Length / parts[0].Shape[0];
        var all = new float[n * per];
        for (int g = 0; g < groups.Count; g++)
        {
            var src = parts[g].AsReadOnlySpan();
            for (int j = 0; j < groups[g].Length; j++)
                src.Slice(j * per, per).CopyTo(all.AsSpan(groups[g][j] * per, per));
        }
        return Tensor.Wrap(all, parts[0].Shape.With(0, n));
    }

    private static IAttributionMethod Method(Request q, Model m) => q.Method switch
    {
        "gradcam" => new GradCam(m, q.Layer!, CamMethod.GradCam) { InternalBatchSize = q.BatchSize },
        "gradcampp" => new GradCam(m, q.Layer!, CamMethod.GradCamPlusPlus) { InternalBatchSize = q.BatchSize },
        "hirescam" => new GradCam(m, q.Layer!, CamMethod.HiResCam) { InternalBatchSize = q.BatchSize },
        "layercam" => new GradCam(m, q.Layer!, CamMethod.LayerCam) { InternalBatchSize = q.BatchSize },
        "saliency" => new Saliency(m) { InternalBatchSize = q.BatchSize },
        "smoothgrad" => new SmoothGrad(m) { Samples = q.Steps, Seed = q.Seed, InternalBatchSize = q.BatchSize },
        "ig" => new IntegratedGradients(m) { Steps = q.Steps, InternalBatchSize = q.BatchSize },
        "guidedbackprop" => new GuidedBackprop(m) { InternalBatchSize = q.BatchSize },
        "gradientshap" => new GradientShap(m) { Samples = q.Steps, Seed = q.Seed, InternalBatchSize = q.BatchSize },
        "occlusion" => new Occlusion(m) { Window = q.Window, Stride = q.Stride, BatchSize = q.BatchSize },
        "lime" => new Lime(m)
        {
            Samples = Math.Max(q.Steps, 2), Seed = q.Seed, BatchSize = q.BatchSize,
            Superpixels = new SuperpixelOptions { Segments = q.Segments },
        },
        "kernelshap" => new KernelShap(m)
        {
            Samples = q.Steps, Seed = q.Seed, BatchSize = q.BatchSize,
            Superpixels = new SuperpixelOptions { Segments = q.Segments, HideValue = 0f },
        },
        _ => throw new FoveaException($"unknown method '{q.Method}'; expected one of {string.Join(", ", s_methods)}"),
    };

    private static void WriteOverlays(string dir, Tensor x, Tensor maps, int[] targets)
    {
        Directory.CreateDirectory(dir);
        var pixel = Overlay.PixelMaps(maps);
        int n = x.Shape[0], sample = x.Length / n, plane = pixel.Shape[1] * pixel.Shape[2];
        for (int i = 0; i < n; i++)
        {
            var image = Tensor.FromArray(x.AsReadOnlySpan().Slice(i * sample, sample), x.Shape.WithoutBatch());
            if (image.Shape[0] != 1 && image.Shape[0] != 3)
                continue;
            var map = Tensor.FromArray(pixel.AsReadOnlySpan().Slice(i * plane, plane),
                [pixel.Shape[1], pixel.Shape[2]]);
            int scale = Math.Max(1, 256 / Math.Max(image.Shape[1], image.Shape[2]));
            byte[] png = Overlay.ToPng(image, map, scale: scale);
            AtomicFile.Write(Path.Combine(dir, $"sample{i:D4}_class{targets[i]}.png"), s => s.Write(png));
        }
    }
}
