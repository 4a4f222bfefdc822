using System.CommandLine;
using System.Diagnostics;
using Fovea.Tensors;
using Fovea.Vision.Detectors.Yolo;
using Fovea.Vision.Formats;

namespace Fovea.Cli;

/// <summary><c>fovea detect train</c> (train the YOLO-style detector on a COCO folder) and <c>fovea detect --model RUN
/// --images DIR --out DIR</c> (COCO results JSON and images with boxes).</summary>
internal static class DetectYoloCommands
{
    /// <summary><c>fovea detect train</c>.</summary>
    public static Command Train()
    {
        var model = new Option<string>("--model")
        {
            Description = "yolo-n, yolo-s or yolo-m", DefaultValueFactory = _ => "yolo-s",
        };
        var data = new Option<string>("--data") { Description = "COCO folder with train/ and val/", Required = true };
        var epochs = new Option<int>("--epochs") { Description = "Epochs", DefaultValueFactory = _ => 30 };
        var batch = new Option<int>("--batch-size") { Description = "Images per batch", DefaultValueFactory = _ => 16 };
        var output = new Option<string>("--out") { Description = "Run folder", Required = true };
        var size = new Option<int>("--image-size")
        {
            Description = "Square input side, a multiple of 32 (images are resized)", DefaultValueFactory = _ => 320,
        };
        var seed = new Option<int>("--seed") { Description = "Seed", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "Continue from RUN/checkpoint" };
        var lr = new Option<double>("--learning-rate")
        {
            Description = "Peak AdamW learning rate", DefaultValueFactory = _ => 2e-3,
        };
        var closeMosaic = new Option<int>("--close-mosaic")
        {
            Description = "Train the last N epochs without mosaic", DefaultValueFactory = _ => 2,
        };
        var valImages = new Option<int?>("--val-images") { Description = "Evaluate on the first N val images" };
        var command = new Command("train", "Train the YOLO-style detector on a COCO folder: progress, COCO mAP on " +
            "val each epoch, checkpoints (--resume), RUN/model for inference and RUN/report.html")
        {
            model, data, epochs, batch, output, size, seed, resume, lr, closeMosaic, valImages,
        };
        command.SetAction(r =>
        {
            var options = new YoloTrainingOptions
            {
                Size = YoloDetector.ParseSize(r.GetValue(model)!), Epochs = r.GetValue(epochs),
                BatchSize = r.GetValue(batch), ImageSize = r.GetValue(size), Seed = r.GetValue(seed),
                LearningRate = r.GetValue(lr), CloseMosaicEpochs = r.GetValue(closeMosaic),
                ValidationImages = r.GetValue(valImages),
            };
            string run = r.GetValue(output)!;
            var clock = Stopwatch.StartNew();
            var trainer = new YoloTrainer(r.GetValue(data)!, run, options);
            Console.WriteLine($"{r.GetValue(model)}: {trainer.Detector.Network.ParameterCount:N0} parameters, " +
                $"{trainer.Detector.Classes} classes, {options.ImageSize}x{options.ImageSize}");
            trainer.Run(r.GetValue(resume), Console.WriteLine);
            trainer.WriteReport();
            var last = trainer.History.Count > 0 ? trainer.History[^1] : null;
            Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F0} s: mAP {last?.MeanAP:F4} mAP50 " +
                $"{last?.MeanAP50:F4}; model {Path.Combine(run, YoloTrainer.ModelFolder)}, report " +
                $"{Path.Combine(run, "report.html")}");
            return 0;
        });
        return command;
    }

    /// <summary>Adds <c>--model RUN --images DIR --out DIR</c> and their action to the <c>detect</c> command.
    /// </summary>
    public static void AddPredict(Command detect)
    {
        var model = new Option<string?>("--model") { Description = "A run folder (or its model/ folder)" };
        var images = new Option<string?>("--images") { Description = "Folder of PNG/JPEG images" };
        var output = new Option<string?>("--out") { Description = "Folder for predictions.json and drawn images" };
        var threshold = new Option<float>("--draw-threshold")
        {
            Description = "Smallest score drawn on the images", DefaultValueFactory = _ => 0.3f,
        };
        detect.Options.Add(model);
        detect.Options.Add(images);
        detect.Options.Add(output);
        detect.Options.Add(threshold);
        detect.SetAction(r =>
        {
            string dir = r.GetValue(model) ?? throw new FoveaException("fovea detect: --model RUN is required");
            string input = r.GetValue(images) ?? throw new FoveaException("fovea detect: --images DIR is required");
            string outDir = r.GetValue(output) ?? throw new FoveaException("fovea detect: --out DIR is required");
            if (!File.Exists(Path.Combine(dir, YoloDetector.SettingsFileName)))
                dir = Path.Combine(dir, YoloTrainer.ModelFolder);
            var detector = YoloDetector.Load(dir);
            if (!Directory.Exists(input))
                throw new FoveaException($"fovea detect: '{input}' is not a folder");
            var files = Directory.EnumerateFiles(input)
                .Where(f => f.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ||
                    f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) ||
                    f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToList();
            Directory.CreateDirectory(outDir);
            var categories = detector.ClassNames.Select((n, i) => new CocoCategory(detector.CategoryIds[i], n))
                .ToList();
            var results = new List<CocoDetection>();
            var clock = Stopwatch.StartNew();
            int s = detector.ImageSize;
            float drawAt = r.GetValue(threshold);
            for (int i = 0; i < files.Count; i++)
            {
                var (chw, h, w) = ImageFiles.ReadRgb(files[i]);
                var resized = ImageFiles.Resize(chw, h, w, s);
                var d = detector.Predict(Tensor.Wrap(resized, [1, 3, s, s]))[0];
                long id = ImageId(files[i], i);
                var coco = CocoFolder.ToCoco(id, w, h, d, s, categories).ToList();
                results.AddRange(coco);
                var keep = Enumerable.Range(0, coco.Count).Where(k => coco[k].Score >= drawAt).ToList();
                var png = BoxDrawing.Png(chw, h, w, [],
                    [.. keep.SelectMany(k =>
                    {
                        var (x1, y1, x2, y2) = coco[k].Box.ToXyxy();
                        return new[] { (float)x1, (float)y1, (float)x2, (float)y2 };
                    })],
                    [.. keep.Select(k => d.Labels[k])], [.. keep.Select(k => (float)coco[k].Score)],
                    detector.ClassNames);
                File.WriteAllBytes(Path.Combine(outDir, Path.GetFileNameWithoutExtension(files[i]) + ".png"), png);
            }
            CocoJson.WriteDetections(results, Path.Combine(outDir, "predictions.json"));
            Console.WriteLine($"{files.Count} images, {results.Count} detections in " +
                $"{clock.Elapsed.TotalSeconds:F1} s: {Path.Combine(outDir, "predictions.json")} (COCO results; " +
                "category ids as in the training data, image id = the file name's number + 1 or the position + 1)");
            return 0;
        });
    }

    /// <summary>The number in a file name such as 000012.png (COCO folders written by <c>fovea detect generate</c>
    /// use id = number + 1), else the position + 1.</summary>
    private static long ImageId(string file, int position) =>
        long.TryParse(Path.GetFileNameWithoutExtension(file), out long n) ? n + 1 : position + 1;
}
