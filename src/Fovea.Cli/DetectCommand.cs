using System.CommandLine;
using System.Diagnostics;
using Fovea.Vision.Datasets;

namespace Fovea.Cli;

/// <summary><c>fovea detect</c>: object detection verbs. <c>generate</c> writes the generated Fashion-MNIST
/// detection dataset (COCO JSON + PNG images + class-mask PNGs).</summary>
internal static class DetectCommand
{
    public static Command Create()
    {
        var detect = new Command("detect", "Object detection: generate a dataset, train the YOLO-style detector, " +
            "and detect (--model RUN --images DIR --out DIR)") { Generate(), DetectYoloCommands.Train() };
        DetectYoloCommands.AddPredict(detect);
        return detect;
    }

    private static Command Generate()
    {
        var output = new Option<string>("--out") { Description = "Folder to write (train/ and val/)", Required = true };
        var train = new Option<int>("--train")
        {
            Description = "Training images", DefaultValueFactory = _ => 2000,
        };
        var val = new Option<int>("--val") { Description = "Validation images", DefaultValueFactory = _ => 500 };
        var seed = new Option<int>("--seed") { Description = "Dataset seed", DefaultValueFactory = _ => 0 };
        var size = new Option<int>("--size")
        {
            Description = "Canvas side in pixels (square canvases; 320 or more for the issue's task)",
            DefaultValueFactory = _ => 320,
        };
        var data = new Option<string?>("--fashion-mnist")
        {
            Description = "Folder with the Fashion-MNIST IDX files (default: the bundled copy)",
        };
        var command = new Command("generate", "Write the generated detection dataset: Fashion-MNIST objects (10 " +
            "classes, 8-120 px, overlapping) on cluttered textured canvases, as COCO JSON + PNG + class masks; the " +
            "same seed writes identical files") { output, train, val, seed, size, data };
        command.SetAction(r =>
        {
            int nTrain = r.GetValue(train), nVal = r.GetValue(val), side = r.GetValue(size);
            if (nTrain < 0 || nVal < 0)
                throw new FoveaException($"--train {nTrain} --val {nVal}: expected counts ≥ 0");
            string dir = r.GetValue(output)!;
            var options = new FashionDetectionOptions { CanvasWidth = side, CanvasHeight = side };
            if (side < options.MaxObjectSize)
                throw new FoveaException($"--size {side}: expected at least {options.MaxObjectSize} (the largest " +
                    "object)");
            var clock = Stopwatch.StartNew();
            FashionDetection.Generate(dir, nTrain, nVal, r.GetValue(seed), options, r.GetValue(data));
            Console.WriteLine($"wrote {nTrain} train and {nVal} val images ({side}x{side}, seed {r.GetValue(seed)}) " +
                $"to {dir} in {clock.Elapsed.TotalSeconds:F1} s: {{train,val}}/{FashionDetection.AnnotationsFile}, " +
                "images/*.png, masks/*.png");
            return 0;
        });
        return command;
    }
}
