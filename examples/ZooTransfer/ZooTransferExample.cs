using System.Globalization;
using Fovea.Data;
using Fovea.Models;
using Fovea.Models.Zoo;
using Fovea.Training;

namespace Fovea.Examples.ZooTransfer;

/// <summary>
/// Transfer learning from a zoo model with torchvision weights (the walkthrough's "transfer learning with a pretrained
/// network", with PyTorch's weights instead of Keras's): the backbone is built without its classifier
/// (<c>includeTop: false</c>), the torchvision state dict loads non-strictly (its <c>fc.*</c> are reported as
/// unexpected and left out), the backbone is frozen and a new head learns the new classes.
/// <code>
/// # once, in Python: safetensors.torch.save_file(torchvision.models.resnet18(weights="DEFAULT").state_dict(),
/// #                                              "resnet18.safetensors")
/// dotnet run -c Release --project examples/ZooTransfer -- --weights resnet18.safetensors [--model resnet18]
///     [--size 64] [--train-count 1000] [--test-count 1000] [--epochs 5]
/// </code>
/// Fashion-MNIST's gray images are resized and repeated to three channels and normalised as torchvision's ImageNet
/// models expect (<see cref="ImagePreprocessing.Torch"/>).
/// </summary>
public static class ZooTransferExample
{
    /// <summary>
    /// Zoo model <paramref name="arch"/> without its classifier, with the backbone weights of the torchvision state
    /// dict <paramref name="weights"/> (none: fresh weights), frozen, under a new softmax head of
    /// <paramref name="classes"/>.
    /// </summary>
    public static (Model Classifier, Model Backbone, StateDictKeys? Keys) Create(string arch, string? weights,
        int classes, int size)
    {
        var backbone = ModelZoo.Create(arch, includeTop: false, inputShape: [3, size, size]);
        var keys = weights is null ? null : backbone.LoadStateDict(weights, strict: false);
        backbone.Trainable = false;
        return (TransferLearning.Classifier(backbone, classes, dropout: 0.2), backbone, keys);
    }

    /// <summary>Trains the head on the first <paramref name="trainCount"/> Fashion-MNIST images and returns the
    /// test accuracy on the first <paramref name="testCount"/>.</summary>
    public static double Run(Model classifier, int size, int trainCount, int testCount, int epochs, int verbose = 2)
    {
        var (allTrain, allTest) = FashionMnist.Load();
        var sample = new Tensors.Shape(3, size, size);
        var train = ImagePreprocessing.Torch.Apply(allTrain.Take(trainCount), sample);
        var test = ImagePreprocessing.Torch.Apply(allTest.Take(testCount), sample);
        classifier.Compile(new AdamW(1e-3), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
        classifier.Fit(train, epochs: epochs, batchSize: 32, verbose: verbose);
        return classifier.Evaluate(test).Accuracy;
    }

    public static int Main(string[] args)
    {
        string arch = Option(args, "--model") ?? "resnet18";
        string? weights = Option(args, "--weights");
        int size = Int(args, "--size", 64);
        if (weights is null)
            Console.WriteLine("no --weights: the backbone keeps fresh random weights (a baseline, not transfer)");
        var (classifier, _, keys) = Create(arch, weights, classes: 10, size);
        if (keys is not null)
        {
            Console.WriteLine($"loaded {weights}: left out {string.Join(", ", keys.UnexpectedKeys)}; " +
                $"missing {(keys.MissingKeys.Count == 0 ? "nothing" : string.Join(", ", keys.MissingKeys))}");
        }
        double accuracy = Run(classifier, size, Int(args, "--train-count", 1000), Int(args, "--test-count", 1000),
            Int(args, "--epochs", 5));
        Console.WriteLine($"{arch} backbone, new head: test accuracy {accuracy:F4}");
        return 0;
    }

    private static int Int(string[] args, string name, int fallback) =>
        Option(args, name) is { } value ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
