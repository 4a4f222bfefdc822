using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Fovea.IO;
using Fovea.Models;
using Fovea.Tensors;
using Fovea.Training;
using Fovea.Vision.Formats;
using Fovea.Vision.Segmentation;

namespace Fovea.Cli;

/// <summary>
/// <c>fovea segment</c>: semantic segmentation. <c>fovea segment train</c> trains U-Net or DeepLabV3+ on a folder
/// DIR/train, DIR/val of images/ + masks/ (as <c>fovea detect generate</c> writes it), with val mIoU per epoch,
/// a checkpoint per epoch, <c>--resume</c> and an HTML report; <c>fovea segment --model RUN --images DIR --out DIR</c>
/// writes a PNG class mask and an overlay per image.
/// </summary>
internal static class SegmentCommand
{
    private const string OptionsFile = "segment.json";
    private const int IgnoreIndex = 255;

    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "Run folder of `fovea segment train`" };
        var images = new Option<string>("--images") { Description = "Folder of PNG/JPEG images to segment" };
        var output = new Option<string>("--out") { Description = "Folder to write masks/ and overlays/ into" };
        var command = new Command("segment", "Semantic segmentation: train U-Net or DeepLabV3+ (`segment train`), " +
            "or segment a folder of images with a trained run (--model RUN --images DIR --out DIR)")
        {
            model, images, output, Train(),
        };
        command.SetAction(r =>
        {
            string? run = r.GetValue(model), inDir = r.GetValue(images), outDir = r.GetValue(output);
            if (run is null || inDir is null || outDir is null)
            {
                return CliRunner.Fail(
                    "fovea segment: expected --model RUN --images DIR --out DIR (or `segment train`)");
            }
            return Predict(run, inDir, outDir);
        });
        return command;
    }

    /// <summary>The resolved options of a run, saved as segment.json (read back by --resume and by prediction).
    /// </summary>
    internal sealed record SegmentOptions(string Model, string Data, int Epochs, int BatchSize, int? ImageSize,
        int Seed, double LearningRate, int Filters, string Backbone, bool Augment, int? Limit, int Classes = 0,
        IReadOnlyList<string>? ClassNames = null);

    private static Command Train()
    {
        var model = new Option<string?>("--model") { Description = "unet or deeplabv3plus" };
        model.AcceptOnlyFromAmong("unet", "deeplabv3plus");
        var data = new Option<string?>("--data") { Description = "Folder with train/ and val/, each images/ + masks/" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Images per step", DefaultValueFactory = _ => 8,
        };
        var output = new Option<string>("--out") { Description = "Run folder", Required = true };
        var imageSize = new Option<int?>("--image-size")
        {
            Description = "Resize images and masks to S×S (default: the files' size)",
        };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed (weights, order, augmentation)", DefaultValueFactory = _ => 0,
        };
        var lr = new Option<double>("--lr") { Description = "AdamW learning rate", DefaultValueFactory = _ => 2e-3 };
        var filters = new Option<int>("--filters")
        {
            Description = "U-Net: width of the first level (the paper: 64)", DefaultValueFactory = _ => 16,
        };
        var backbone = new Option<string>("--backbone")
        {
            Description = "DeepLabV3+: mobilenetv3large or resnet50", DefaultValueFactory = _ => "mobilenetv3large",
        };
        backbone.AcceptOnlyFromAmong("mobilenetv3large", "resnet50");
        var augment = new Option<bool>("--augment")
        {
            Description = "Joint image-and-mask augmentation (flip, scale 0.75-1.25 + crop, colour jitter)",
            DefaultValueFactory = _ => true,
        };
        var limit = new Option<int?>("--limit") { Description = "Use the first N training images only" };
        var resume = new Option<bool>("--resume")
        {
            Description = "Continue the run in --out from its last checkpoint (its options are reused; --epochs may " +
                "extend it)",
        };
        var command = new Command("train", "Train U-Net or DeepLabV3+ on a segmentation folder; prints val mIoU per " +
            "epoch, checkpoints each epoch, writes the model, history.csv and report.html")
        {
            model, data, epochs, batchSize, output, imageSize, seed, lr, filters, backbone, augment, limit, resume,
        };
        command.SetAction(r =>
        {
            string runDir = r.GetValue(output)!;
            if (r.GetValue(resume))
            {
                string path = Path.Combine(runDir, OptionsFile);
                if (!File.Exists(path))
                {
                    return CliRunner.Fail(
                        $"--resume: '{runDir}' is not a segment run folder ('{OptionsFile}' missing)");
                }
                var saved = JsonSerializer.Deserialize<SegmentOptions>(File.ReadAllText(path))
                    ?? throw new FoveaException($"'{path}' is empty");
                bool explicitEpochs = r.GetResult(epochs) is { Implicit: false };
                return Run(explicitEpochs ? saved with { Epochs = r.GetValue(epochs) } : saved, runDir, true);
            }
            if (r.GetValue(model) is not { } m || r.GetValue(data) is not { } d)
                return CliRunner.Fail("fovea segment train: --model and --data are required (unless --resume)");
            return Run(new SegmentOptions(m, d, r.GetValue(epochs), r.GetValue(batchSize), r.GetValue(imageSize),
                r.GetValue(seed), r.GetValue(lr), r.GetValue(filters), r.GetValue(backbone)!, r.GetValue(augment),
                r.GetValue(limit)), runDir, false);
        });
        return command;
    }

    private static int Run(SegmentOptions o, string runDir, bool resuming)
    {
        if (o.Epochs <= 0 || o.BatchSize <= 0)
            return CliRunner.Fail($"--epochs {o.Epochs} --batch-size {o.BatchSize}: expected positive values");
        if (o.ImageSize is < 16)
            return CliRunner.Fail($"--image-size {o.ImageSize}: expected at least 16");
        var clock = Stopwatch.StartNew();
        var folder = new SegmentationFolderOptions { ImageSize = o.ImageSize, Limit = o.Limit };
        var train = SegmentationFolder.Load(Path.Combine(o.Data, "train"), folder);
        var val = SegmentationFolder.Load(Path.Combine(o.Data, "val"), folder with { Limit = null });
        int h = train.Images.Shape[2], w = train.Images.Shape[3];
        var names = o.ClassNames ?? ClassNames(o.Data, train, val);
        o = o with { Classes = names.Count, ClassNames = names };
        Directory.CreateDirectory(runDir);
        AtomicFile.WriteAllText(Path.Combine(runDir, OptionsFile), JsonSerializer.Serialize(o));

        var net = o.Model == "unet"
            ? UNet.Create(o.Classes, [3, h, w], depth: 4, filters: o.Filters, seed: o.Seed)
            : DeepLabV3Plus.Create(o.Classes, [3, h, w], o.Backbone == "resnet50" ? DeepLabBackbone.ResNet50
                : DeepLabBackbone.MobileNetV3Large, seed: o.Seed);
        net.Compile(new AdamW(o.LearningRate, weightDecay: 1e-4), new PixelCrossentropy(ignoreIndex: IgnoreIndex),
            [new MeanIoU(o.Classes, IgnoreIndex)]);
        var trainSet = train.ToDataset();
        var backup = new BackupAndRestore(runDir);
        Console.WriteLine(F($"fovea segment train: {o.Model}, {net.ParameterCount:N0} parameters, ") +
            F($"{train.Count} train ") +
            F($"and {val.Count} val images {w}x{h}, {o.Classes} classes, batch {o.BatchSize}, {o.Epochs} epochs") +
            (o.Augment ? ", augmented" : "") + $", run folder {runDir}" +
            (resuming && File.Exists(backup.FilePath) ? " (resuming from its last checkpoint)" : ""));
        bool interactive = !Console.IsOutputRedirected;
        var callbacks = new List<Callback>
        {
            new CsvLogger(Path.Combine(runDir, "history.csv")),
            new ProgressCallback(p =>
            {
                if (interactive)
                    Console.Write(F($"\repoch {p.Epoch + 1}/{p.Epochs} step {p.Step}/{p.Steps} ") +
                        F($"loss {p.Logs["loss"]:F4} ") +
                        F($"{p.SamplesPerSecond:F1} img/s ETA {p.EtaSeconds:F0}s   "));
            }, (epoch, logs) => Console.WriteLine((interactive ? "\r" : "") + F($"epoch {epoch + 1}/{o.Epochs}  ") +
                F($"loss {Get(logs, "loss"):F4}  val_loss {Get(logs, "val_loss"):F4}  val_mIoU ") +
                F($"{Get(logs, "val_mean_iou"):F4}  {clock.Elapsed.TotalSeconds:F0}s elapsed"))),
            backup,
        };
        if (o.Augment)
            callbacks.Insert(0, new SegmentationAugmenter(trainSet, new SegmentationAugmentation(), o.Seed));
        var history = net.Fit(trainSet, epochs: o.Epochs, batchSize: o.BatchSize, validationData: val.ToDataset(),
            callbacks: callbacks, verbose: 0);
        net.Save(runDir);
        var matrix = SegmentationReport.Save(Path.Combine(runDir, "report.html"), net, val.Images, val.Masks, names,
            history, IgnoreIndex);
        var iou = matrix.IoU();
        Console.WriteLine(F($"val_mIoU={matrix.MeanIoU:F4} pixel_accuracy={matrix.PixelAccuracy:F4} ") +
            F($"({clock.Elapsed.TotalSeconds:F0}s)"));
        Console.WriteLine("per-class IoU: " + string.Join(", ", names.Select((n, k) => F($"{n} {iou[k]:F3}"))));
        Console.WriteLine($"saved {Path.Combine(runDir, Model.ConfigFileName)}, {Model.WeightsFileName}, " +
            $"{BackupAndRestore.FileName}, history.csv and report.html");
        return 0;
    }

    private static IReadOnlyList<string> ClassNames(string data, SegmentationFolder train, SegmentationFolder val)
    {
        int max = 0;
        foreach (var masks in new[] { train.Masks, val.Masks })
        {
            foreach (float v in masks.AsReadOnlySpan())
            {
                if (v != IgnoreIndex)
                    max = Math.Max(max, (int)v);
            }
        }
        var names = Enumerable.Range(0, max + 1).Select(k => k == 0 ? "background" : F($"class {k}")).ToArray();
        string coco = Path.Combine(data, "train", "annotations.json");
        if (File.Exists(coco))
        {
            // The generator's masks hold category id (class + 1); COCO category ids name them.
            var categories = CocoJson.ReadDataset(coco).Categories;
            int top = Math.Max(max, categories.Count == 0 ? 0 : categories.Max(c => c.Id));
            names = [.. Enumerable.Range(0, top + 1).Select(k => k == 0 ? "background"
                : categories.FirstOrDefault(c => c.Id == k)?.Name ?? F($"class {k}"))];
        }
        return names;
    }

    private static int Predict(string runDir, string inDir, string outDir)
    {
        string path = Path.Combine(runDir, OptionsFile);
        if (!File.Exists(path))
            return CliRunner.Fail($"--model: '{runDir}' is not a segment run folder ('{OptionsFile}' missing)");
        if (!Directory.Exists(inDir))
            return CliRunner.Fail($"--images: folder '{inDir}' not found");
        var net = Model.Load(runDir);
        var shape = net.SampleShape ?? throw new FoveaException($"'{runDir}': the model has no input shape");
        int h = shape[1], w = shape[2];
        string masks = Path.Combine(outDir, "masks"), overlays = Path.Combine(outDir, "overlays");
        Directory.CreateDirectory(masks);
        Directory.CreateDirectory(overlays);
        var files = Directory.EnumerateFiles(inDir).Where(f => Path.GetExtension(f).ToLowerInvariant() is ".png"
            or ".jpg" or ".jpeg").OrderBy(f => f, StringComparer.Ordinal).ToList();
        foreach (string file in files)
        {
            var (chw, ih, iw) = SegmentationImages.ReadImage(file);
            var input = ih == h && iw == w ? chw : SegmentationImages.ResizeImage(chw, 3, ih, iw, h, w);
            var logits = net.Predict(Tensor.FromArray(input, [1, 3, h, w]));
            var mask = SegmentationImages.ArgMax(logits);
            if (ih != h || iw != w)
                mask = SegmentationImages.ResizeMask(mask, h, w, ih, iw);
            string name = Path.GetFileNameWithoutExtension(file) + ".png";
            SegmentationImages.WriteMask(Path.Combine(masks, name), mask, ih, iw);
            SegmentationImages.WriteImage(Path.Combine(overlays, name), SegmentationImages.Overlay(chw, mask, ih, iw),
                ih, iw);
        }
        Console.WriteLine($"segmented {files.Count} images: {masks}/*.png (class indices), {overlays}/*.png");
        return 0;
    }

    private static double Get(IReadOnlyDictionary<string, double> logs, string key) =>
        logs.TryGetValue(key, out double v) ? v : double.NaN;

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
