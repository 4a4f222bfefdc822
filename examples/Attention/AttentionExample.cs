using System.Globalization;
using Fovea.Data;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Training;

namespace Fovea.Examples.Attention;

/// <summary>
/// The walkthrough's Part 6.1 and 6.2 in C#: <see cref="SEBlock"/> and <see cref="ConvTransformerBlock"/> as custom
/// layers holding stock layers in fields, used in models (<c>create_se_cnn</c> and a conv stem with a hybrid block),
/// trained on Fashion-MNIST (28×28×1 instead of CIFAR-10's 32×32×3).
/// <code>
/// dotnet run -c Release --project examples/Attention -- [--limit 6000] [--epochs 2]
/// </code>
/// </summary>
public static class AttentionExample
{
    /// <summary>The walkthrough's <c>create_se_cnn</c>, completed with a classifier head.</summary>
    public static Sequential CreateSeCnn(int seed = 0) => new(
        [
            new Conv2D(32, 3, padding: Padding.Same), new BatchNormalization(), new Activation(Activations.Swish),
            new SEBlock(ratio: 16),   // add attention here
            new MaxPooling2D(2),
            new Conv2D(64, 3, padding: Padding.Same), new BatchNormalization(), new Activation(Activations.Swish),
            new SEBlock(ratio: 16), new GlobalAveragePooling2D(), new Dense(10, Activations.Softmax),
        ],
        seed: seed);

    /// <summary>A convolutional stem to 32 channels at 7×7, the hybrid block over its 49 positions, a classifier.
    /// </summary>
    public static Sequential CreateHybrid(int seed = 0) => new(
        [
            new Conv2D(32, 3, padding: Padding.Same), new BatchNormalization(), new Activation(Activations.Swish),
            new MaxPooling2D(2),
            new Conv2D(32, 3, padding: Padding.Same), new BatchNormalization(), new Activation(Activations.Swish),
            new MaxPooling2D(2),
            new ConvTransformerBlock(embedDim: 32, numHeads: 2, ffDim: 64),
            new GlobalAveragePooling2D(), new Dense(10, Activations.Softmax),
        ],
        seed: seed);

    /// <summary>Trains <paramref name="model"/> on the first <paramref name="limit"/> training images and returns
    /// its test accuracy on as many test images.</summary>
    public static double TrainAndEvaluate(Sequential model, int limit, int epochs, TextWriter log)
    {
        var (train, test) = FashionMnist.Load(normalization: FashionMnist.Standardization);
        model.Compile(new AdamW(learningRate: 2e-3), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
        model.Build(1, 28, 28);
        log.Write(model.SummaryText());
        model.Fit(train.Take(limit), epochs: epochs, batchSize: 64, verbose: 0);
        return model.Evaluate(test.Take(Math.Min(limit, test.Count))).Accuracy;
    }

    public static int Main(string[] args)
    {
        int limit = Option(args, "--limit", 6000);
        int epochs = Option(args, "--epochs", 2);
        foreach (var (name, model) in new[] { ("SE CNN", CreateSeCnn()), ("Conv-Transformer hybrid", CreateHybrid()) })
        {
            double accuracy = TrainAndEvaluate(model, limit, epochs, Console.Out);
            Console.WriteLine($"{name}: test accuracy {accuracy:F4} after {epochs} epochs on {limit} images");
        }
        return 0;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
