using System.Diagnostics;
using System.Globalization;
using Fovea.Data;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Training;

namespace Fovea.Examples.Video;

/// <summary>
/// The walkthrough's Part 6.4 in C#: its 3-D CNN (<c>create_3d_cnn</c>) trained on <see cref="MovingObjectClips"/>,
/// a generated video task whose class (direction × speed of a moving square, 8 classes) only the motion tells. The
/// walkthrough's input (16, 112, 112, 3) becomes clips [1, T, H, W] channels first, small enough to train on a CPU.
/// <code>
/// dotnet run -c Release --project examples/Video -- [--train 2000] [--test 800] [--frames 8] [--size 32] [--epochs 4]
/// </code>
/// </summary>
public static class VideoExample
{
    /// <summary>The walkthrough's <c>create_3d_cnn</c>: three Conv3D (32, 64, 128 filters, 3×3×3, swish, 'same')
    /// + BatchNormalization + MaxPooling3D blocks, GlobalAveragePooling3D, Dense 256 swish, Dropout 0.5, softmax.
    /// </summary>
    public static Sequential Create3DCnn(int numClasses = 8, int seed = 0) => new(
        [
            // First 3D convolutional block
            new Conv3D(32, (3, 3, 3), activation: Activations.Swish, padding: Padding.Same),
            new BatchNormalization(),
            new MaxPooling3D((1, 2, 2)),   // reduce spatial dimensions

            // Second 3D convolutional block
            new Conv3D(64, (3, 3, 3), activation: Activations.Swish, padding: Padding.Same),
            new BatchNormalization(),
            new MaxPooling3D((2, 2, 2)),   // reduce both temporal and spatial dimensions

            // Third 3D convolutional block
            new Conv3D(128, (3, 3, 3), activation: Activations.Swish, padding: Padding.Same),
            new BatchNormalization(),
            new MaxPooling3D((2, 2, 2)),

            // Global pooling and classification
            new GlobalAveragePooling3D(),
            new Dense(256, Activations.Swish),
            new Dropout(0.5),
            new Dense(numClasses, Activations.Softmax),
        ],
        seed: seed);

    /// <summary>What one training run measured.</summary>
    /// <param name="TestAccuracy">Accuracy on the test clips after the last epoch.</param>
    /// <param name="Elapsed">Wall time of training and evaluation.</param>
    /// <param name="History">Loss and metrics per epoch.</param>
    public sealed record Result(double TestAccuracy, TimeSpan Elapsed, History History);

    /// <summary>Compiles <paramref name="model"/> (AdamW, sparse categorical cross-entropy), trains it on
    /// <paramref name="train"/> and returns its accuracy on <paramref name="test"/>.</summary>
    public static Result TrainAndEvaluate(Sequential model, Dataset train, Dataset test, int epochs, int batchSize,
        TextWriter log, double learningRate = 1e-3)
    {
        var clock = Stopwatch.StartNew();
        model.Compile(new AdamW(learningRate: learningRate), Losses.SparseCategoricalCrossentropy(),
            [Metrics.Accuracy]);
        model.Build(train.SampleShape.ToArray());
        log.Write(model.SummaryText());
        var history = model.Fit(train, epochs: epochs, batchSize: batchSize, validationData: test,
            verbose: log == TextWriter.Null ? 0 : 1);
        double accuracy = model.Evaluate(test).Accuracy;
        return new Result(accuracy, clock.Elapsed, history);
    }

    public static int Main(string[] args)
    {
        int trainCount = Option(args, "--train", 2000), testCount = Option(args, "--test", 800);
        int frames = Option(args, "--frames", 8), size = Option(args, "--size", 32);
        int epochs = Option(args, "--epochs", 4);
        var (train, test) = MovingObjectClips.Load(trainCount, testCount, frames, size);
        Console.WriteLine($"{trainCount} training and {testCount} test clips of {train.SampleShape}, " +
            $"{MovingObjectClips.ClassNames.Count} classes");
        var result = TrainAndEvaluate(Create3DCnn(MovingObjectClips.ClassNames.Count), train, test, epochs,
            batchSize: 32, Console.Out);
        Console.WriteLine($"3D CNN: test accuracy {result.TestAccuracy:F4} after {epochs} epochs, wall time " +
            $"{result.Elapsed.TotalSeconds:F0} s");
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
