using System.Globalization;
using Fovea.Data;
using Fovea.Explain;
using Fovea.Layers;
using Fovea.Models;
using Fovea.Tensors;

namespace Fovea.Examples.Explain;

/// <summary>
/// The walkthrough's section 5.3, "where did the model look?": a small CNN trained on Fashion-MNIST explains its test
/// predictions with Grad-CAM, KernelSHAP and LIME side by side (plus saliency, integrated gradients and guided
/// backprop), scores every method's deletion and insertion AUC against random attribution, runs the model-parameter
/// randomisation sanity check, and writes a PNG grid and an HTML page.
/// </summary>
public static class ExplainExample
{
    /// <summary>What <see cref="Run"/> measured.</summary>
    /// <param name="TestAccuracy">Accuracy of the small CNN on the test images used.</param>
    /// <param name="Faithfulness">Method → (deletion AUC, insertion AUC), "random" included.</param>
    /// <param name="Randomization">The cascading randomisation, top layer first.</param>
    public sealed record Result(double TestAccuracy,
        IReadOnlyDictionary<string, (double Deletion, double Insertion)> Faithfulness,
        IReadOnlyList<RandomizationResult> Randomization);

    /// <summary>The CNN: three 3×3 ReLU convolutions (16, 32, 32 filters, pooling after the first two), global
    /// average pooling and a softmax classifier; the methods explain its logits.</summary>
    public static Sequential CreateModel(int seed = 0) => new(
        [
            new Conv2D(16, 3, padding: Padding.Same, activation: Activations.Relu, name: "conv1"),
            new MaxPooling2D(2, name: "pool1"),
            new Conv2D(32, 3, padding: Padding.Same, activation: Activations.Relu, name: "conv2"),
            new MaxPooling2D(2, name: "pool2"),
            new Conv2D(32, 3, padding: Padding.Same, activation: Activations.Relu, name: "conv3"),
            new GlobalAveragePooling2D(name: "gap"),
            new Dense(10, Activations.Softmax, name: "fc"),
        ], "explained_cnn", seed, inputShape: [1, 28, 28]);

    /// <summary>Trains, explains <paramref name="explained"/> test images of the first one's class… (each image for
    /// its own predicted class), scores and writes the figures to <paramref name="folder"/>.</summary>
    public static Result Run(Dataset train, Dataset test, int epochs, int explained, string folder, TextWriter log,
        int limeSamples = 1000)
    {
        Directory.CreateDirectory(folder);
        var model = CreateModel();
        model.Compile(optimizer: "adam", loss: "categorical_crossentropy", metrics: ["accuracy"]);
        model.Fit(train.Features, Utils.ToCategorical(train.Labels, 10), batchSize: 64, epochs: epochs, verbose: 0);
        double accuracy = model.Evaluate((test.Features, Utils.ToCategorical(test.Labels, 10))).Accuracy;
        log.WriteLine($"test accuracy {accuracy:F3} on {test.Count} images");

        // The images explained: the first test images, each for the class the model predicts.
        var x = test.Take(explained).Features;
        var probs = model.Predict(x).ToArray();
        var predicted = Enumerable.Range(0, explained).Select(i => ArgMax(probs.AsSpan(i * 10, 10))).ToArray();
        var names = FashionMnist.ClassNames;
        var labels = test.Take(explained).Labels.ToArray();
        var captions = Enumerable.Range(0, explained)
            .Select(i => $"{names[(int)labels[i]]} → {names[predicted[i]]}").ToList();

        var superpixels = new SuperpixelOptions { Segments = 16, Compactness = 0.2f, HideValue = 0f };
        var methods = new List<(string Name, IAttributionMethod Method)>
        {
            ("Grad-CAM", new GradCam(model, "conv3")),
            ("KernelSHAP", new KernelShap(model) { Samples = limeSamples, Superpixels = superpixels }),
            ("LIME", new Lime(model) { Samples = limeSamples, Superpixels = superpixels }),
            ("Saliency", new Saliency(model, SaliencyMode.AbsoluteGradient)),
            ("Integrated gradients", new IntegratedGradients(model) { Steps = 32 }),
            ("Guided backprop", new GuidedBackprop(model)),
        };
        var maps = methods.Select(m => (m.Name, Explain(m.Method, x, predicted))).ToList();
        var randomMaps = Faithfulness.RandomMaps(x, seed: 1);

        // Faithfulness: deletion (lower is better) and insertion (higher is better) AUC of the predicted class.
        var faith = new Dictionary<string, (double, double)>();
        foreach (var (name, a) in maps.Append(("random", randomMaps)))
            faith[name] = PerClass(x, predicted,
                (xs, k, idx) => Faithfulness.DeletionInsertion(model, xs, k, Select(a, idx)));
        log.WriteLine("method                  deletion AUC  insertion AUC");
        foreach (var (name, (d, ins)) in faith)
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-22}  {d,12:F3}  {ins,13:F3}"));

        // Sanity check (Adebayo et al. 2018) on the images of the first image's predicted class.
        int cls = predicted[0];
        var idx0 = Enumerable.Range(0, explained).Where(i => predicted[i] == cls).ToArray();
        var sanityMethods = methods.Where(m => m.Name is "Grad-CAM" or "Saliency" or "Guided backprop").ToList();
        var randomization = SanityChecks.ModelRandomization(model, sanityMethods, Select(x, idx0), cls, seed: 3);
        foreach (var step in randomization)
            log.WriteLine($"randomised down to {step.Layer,-5}: " + string.Join(", ",
                step.Correlations.Select(kv =>
                    string.Create(CultureInfo.InvariantCulture, $"{kv.Key} ρ={kv.Value:F2}"))));

        WriteFigures(folder, x, captions, maps, faith, randomization, Select(x, idx0));
        return new Result(accuracy, faith, randomization);
    }

    private static Tensor Explain(IAttributionMethod method, Tensor x, int[] targets)
    {
        Tensor? all = null;
        foreach (var group in Enumerable.Range(0, targets.Length).GroupBy(i => targets[i]))
        {
            var idx = group.ToArray();
            var a = method.Attribute(Select(x, idx), group.Key).Values;
            all ??= Tensor.Zeros(a.Shape.With(0, targets.Length));
            int per = a.Length / idx.Length;
            for (int j = 0; j < idx.Length; j++)
                a.AsReadOnlySpan().Slice(j * per, per).CopyTo(all.AsSpan().Slice(idx[j] * per, per));
        }
        return all!;
    }

    private static (double, double) PerClass(Tensor x, int[] targets,
        Func<Tensor, int, int[], (double Deletion, double Insertion)> score)
    {
        double d = 0, ins = 0;
        foreach (var group in Enumerable.Range(0, targets.Length).GroupBy(i => targets[i]))
        {
            var idx = group.ToArray();
            var (gd, gi) = score(Select(x, idx), group.Key, idx);
            d += gd * idx.Length;
            ins += gi * idx.Length;
        }
        return (d / targets.Length, ins / targets.Length);
    }

    private static Tensor Select(Tensor t, int[] idx)
    {
        int per = t.Length / t.Shape[0];
        var data = new float[idx.Length * per];
        for (int j = 0; j < idx.Length; j++)
            t.AsReadOnlySpan().Slice(idx[j] * per, per).CopyTo(data.AsSpan(j * per));
        return Tensor.Wrap(data, t.Shape.With(0, idx.Length));
    }

    private static int ArgMax(ReadOnlySpan<float> v) => v.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(v));

    private static void WriteFigures(string folder, Tensor x, IReadOnlyList<string> captions,
        List<(string Name, Tensor Maps)> maps, Dictionary<string, (double Deletion, double Insertion)> faith,
        IReadOnlyList<RandomizationResult> randomization, Tensor sanityImages)
    {
        var scores = faith.ToDictionary(kv => kv.Key, kv => (IReadOnlyDictionary<string, double>)
            new Dictionary<string, double>
            {
                ["deletion AUC"] = kv.Value.Deletion, ["insertion AUC"] = kv.Value.Insertion,
            });
        ExplanationPage.Write(Path.Combine(folder, "explanations.html"), "Fashion-MNIST CNN: where did it look?", x,
            maps, captions, scores);
        // Grid: images × (image, Grad-CAM, KernelSHAP, LIME).
        int h = x.Shape[2], w = x.Shape[3], per = x.Length / x.Shape[0];
        var sideBySide = maps.Take(3).ToList();
        var rows = new List<IReadOnlyList<byte[]>>();
        for (int i = 0; i < x.Shape[0]; i++)
        {
            var image = Tensor.FromArray(x.AsReadOnlySpan().Slice(i * per, per), x.Shape.WithoutBatch());
            var row = new List<byte[]> { Overlay.Blend(image, null) };
            row.AddRange(sideBySide.Select(m => Overlay.Blend(image, MapOf(m.Maps, i))));
            rows.Add(row);
        }
        File.WriteAllBytes(Path.Combine(folder, "gradcam_shap_lime.png"), Overlay.Grid(rows, h, w, scale: 4));
        // Randomisation figure: for the first sanity image, rows = methods, columns = cascade steps.
        var first = Tensor.FromArray(sanityImages.AsReadOnlySpan()[..per], x.Shape.WithoutBatch());
        var cascade = randomization[0].Maps.Keys.Select(method => (IReadOnlyList<byte[]>)randomization
            .Select(step => Overlay.Blend(first, MapOf(step.Maps[method], 0), alpha: 0.8f)).ToList()).ToList();
        File.WriteAllBytes(Path.Combine(folder, "randomization.png"), Overlay.Grid(cascade, h, w, scale: 4));
    }

    private static Tensor MapOf(Tensor attributions, int i)
    {
        var pixel = Overlay.PixelMaps(attributions);
        int plane = pixel.Shape[1] * pixel.Shape[2];
        return Tensor.FromArray(pixel.AsReadOnlySpan().Slice(i * plane, plane), [pixel.Shape[1], pixel.Shape[2]]);
    }

    /// <summary>Usage: Explain [--limit N] [--epochs E] [--explained K] [--output DIR].</summary>
    public static int Main(string[] args)
    {
        int limit = 6000, epochs = 3, explained = 12;
        string output = "explain-output";
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--limit": limit = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--epochs": epochs = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--explained": explained = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--output": output = args[i + 1]; break;
                default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
            }
        }
        var (train, test) = FashionMnist.Load(normalization: FashionMnist.Standardization);
        Run(train.Take(limit), test.Take(Math.Min(2000, test.Count)), epochs, explained, output, Console.Out);
        Console.WriteLine($"figures in {Path.GetFullPath(output)}");
        return 0;
    }
}
