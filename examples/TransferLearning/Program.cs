// Transfer learning with Fovea: the ImageNet ResNet-18 of NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18, imported
// from ONNX, classifies Fashion-MNIST from 1,000 labelled images; the same network trained from scratch on the same
// images for the same number of epochs is the baseline.
//
//   dotnet run -c Release --project examples/TransferLearning -- [--train-count 1000] [--test-count 2000]
//       [--image-size 64] [--epochs 5] [--fine-tune-epochs 5] [--batch-size 32] [--no-scratch]
using System.Diagnostics;
using System.Globalization;
using Fovea.Data;
using Fovea.Models;
using Fovea.Onnx;
using Fovea.Training;

var options = Options.Parse(args);
string onnx = Path.Combine(AppContext.BaseDirectory, "DnnImageModels", "ResNet18Onnx", "ResNet18.onnx");

// 1. Data: the first N training images and the first M test images, resized to S×S, gray repeated to three
//    channels, and scaled as the network was trained (BGR, 0..255, minus the mean: ResNetPreprocess.onnx).
var (allTrain, allTest) = FashionMnist.Load();
var sample = new Fovea.Tensors.Shape(3, options.ImageSize, options.ImageSize);
var train = ImagePreprocessing.CntkResNet.Apply(allTrain.Take(options.TrainCount), sample);
var test = ImagePreprocessing.CntkResNet.Apply(allTest.Take(options.TestCount), sample);
Console.WriteLine($"Fashion-MNIST: {train.Count} training and {test.Count} test images of {sample}");

// 2. Pretrained: import ResNet-18 up to its last feature map, freeze it, train a new head, then fine-tune the last
//    stage with a ten times lower learning rate. The base runs in inference mode throughout (Keras' advice):
//    its BatchNormalization layers keep the ImageNet statistics, also once unfrozen.
var clock = Stopwatch.StartNew();
var baseModel = TransferLearning.LoadBase(onnx, options.ImageSize);
Console.WriteLine($"imported {Path.GetFileName(onnx)} up to '{baseModel.Outputs[0].Layer?.Name}' " +
    $"({baseModel.Outputs[0].Shape}) in {clock.Elapsed.TotalSeconds:F1} s");
baseModel.Trainable = false;
var model = TransferLearning.Classifier(baseModel, classes: 10, dropout: 0.2);
model.Summary();
Compile(model, 1e-3);
Console.WriteLine($"head: {Trainable(model):N0} trainable parameters, {options.Epochs} epochs");
model.Fit(train, epochs: options.Epochs, batchSize: options.BatchSize, verbose: 2);
double headAccuracy = model.Evaluate(test).Accuracy;
Console.WriteLine($"head only: test accuracy {headAccuracy:F4}");
var unfrozen = TransferLearning.UnfreezeLastStages(baseModel, 1);
Compile(model, 1e-4);
Console.WriteLine($"fine-tune: last stage unfrozen ({unfrozen.Count} layers, {unfrozen[0].Name} to " +
    $"{unfrozen[^1].Name}), {Trainable(model):N0} trainable parameters, {options.FineTuneEpochs} epochs");
model.Fit(train, epochs: options.FineTuneEpochs, batchSize: options.BatchSize, verbose: 2);
double pretrained = model.Evaluate(test).Accuracy;
double pretrainedSeconds = clock.Elapsed.TotalSeconds;
Console.WriteLine($"pretrained + fine-tuned: test accuracy {pretrained:F4} ({pretrainedSeconds:F0} s)");

// 3. From scratch: the same graph with freshly initialised weights, everything trainable, the same epochs in total.
double scratch = double.NaN, scratchSeconds = double.NaN;
if (!options.NoScratch)
{
    clock.Restart();
    // Fresh BatchNormalization layers take PyTorch's default momentum: the file's 0.988 suits ImageNet's long
    // training but would leave the moving statistics behind the weights in 320 steps.
    var fresh = baseModel.CloneArchitecture(seed: 1, batchNormMomentum: 0.9f);
    fresh.Trainable = true;
    // baseTraining: null lets the fresh BatchNormalization layers train on batch statistics.
    var scratchModel = TransferLearning.Classifier(fresh, classes: 10, dropout: 0.2, baseTraining: null);
    Compile(scratchModel, 1e-3);
    int epochs = options.Epochs + options.FineTuneEpochs;
    Console.WriteLine($"from scratch: {Trainable(scratchModel):N0} trainable parameters, {epochs} epochs");
    scratchModel.Fit(train, epochs: epochs, batchSize: options.BatchSize, verbose: 2);
    scratch = scratchModel.Evaluate(test).Accuracy;
    scratchSeconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"from scratch: test accuracy {scratch:F4} ({scratchSeconds:F0} s)");
}

Console.WriteLine();
Console.WriteLine($"{train.Count} training and {test.Count} test images of {sample}, batch {options.BatchSize}");
Console.WriteLine("| start | epochs | test accuracy | wall time |");
Console.WriteLine("|---|---|---|---|");
Console.WriteLine($"| ImageNet ResNet-18: head only | {options.Epochs} | {headAccuracy:F4} | |");
Console.WriteLine($"| ImageNet ResNet-18: head, then last stage fine-tuned | {options.Epochs} + " +
    $"{options.FineTuneEpochs} | {pretrained:F4} | {pretrainedSeconds:F0} s |");
if (!options.NoScratch)
{
    Console.WriteLine($"| same network, random weights | {options.Epochs + options.FineTuneEpochs} | {scratch:F4} | " +
        $"{scratchSeconds:F0} s |");
}
return 0;

static void Compile(Model m, double learningRate) =>
    m.Compile(new Adam(learningRate), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);

static long Trainable(Model m) => m.TrainableWeights.Sum(w => (long)w.Length);

/// <summary>The command line of the example.</summary>
internal sealed record Options(int TrainCount = 1000, int TestCount = 2000, int ImageSize = 64, int Epochs = 5,
    int FineTuneEpochs = 5, int BatchSize = 32, bool NoScratch = false)
{
    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--no-scratch")
            {
                o = o with { NoScratch = true };
                continue;
            }
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out int v) || v <= 0)
                throw new ArgumentException($"{args[i]}: expected a positive integer after it");
            o = args[i] switch
            {
                "--train-count" => o with { TrainCount = v },
                "--test-count" => o with { TestCount = v },
                "--image-size" => o with { ImageSize = v },
                "--epochs" => o with { Epochs = v },
                "--fine-tune-epochs" => o with { FineTuneEpochs = v },
                "--batch-size" => o with { BatchSize = v },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
            i++;
        }
        return o;
    }
}
