using Fovea.Layers;
using Fovea.Models;
using Fovea.Training;

namespace Fovea.Tuning;

/// <summary>
/// The search space of the walkthrough's section 6.3 (neural architecture search with KerasTuner), as written there:
/// 2 to 5 blocks of Conv2D(filters ∈ {32, 64, 128, 256}, 3, same, swish) → BatchNormalization → optional
/// squeeze-and-excitation → MaxPooling2D(2) → Dropout(0.1 ... 0.5 step 0.1), then GlobalAveragePooling2D and a
/// softmax Dense; Adam with a log-sampled learning rate in [1e-4, 1e-2]. Two differences, both documented: a block's
/// parameters live in a conditional scope (they exist only when num_blocks covers the block, so they do not leak into
/// trials with fewer blocks, as KerasTuner's loop does), and pooling stops once the feature map is 1×1 (28×28 images
/// reach 1×1 after four poolings; a fifth would empty them). SE uses the walkthrough's ratio 16 (at least 1 channel).
/// Class indices as targets: sparse categorical cross-entropy, the same loss as one-hot categorical cross-entropy.
/// </summary>
public static class WalkthroughSpace
{
    /// <summary>Most blocks.</summary>
    public const int MaxBlocks = 5;

    /// <summary>
    /// The build function for samples of <paramref name="sampleShape"/> ([C, H, W]) and <paramref name="classes"/>
    /// classes. Each model is seeded with the trial's <see cref="HyperParameters.Seed"/>.
    /// </summary>
    public static Func<HyperParameters, Model> Create(int[] sampleShape, int classes = 10)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        if (sampleShape.Length != 3)
            throw new ArgumentException($"WalkthroughSpace: expected a sample shape [C, H, W], received [{string.Join(", ", sampleShape)}]");
        return hp => Build(hp, sampleShape, classes);
    }

    /// <summary>Builds and compiles one model of the space from <paramref name="hp"/>.</summary>
    public static Model Build(HyperParameters hp, int[] sampleShape, int classes = 10)
    {
        ArgumentNullException.ThrowIfNull(hp);
        ArgumentNullException.ThrowIfNull(sampleShape);
        var layers = new List<Layer>();
        int size = Math.Min(sampleShape[1], sampleShape[2]);
        int numBlocks = hp.Int("num_blocks", 2, MaxBlocks);
        for (int i = 0; i < numBlocks; i++)
        {
            using (hp.ConditionalScope("num_blocks", Enumerable.Range(i + 1, MaxBlocks - i).Cast<object>().ToArray()))
            {
                int filters = hp.Choice($"filters_{i}", [32, 64, 128, 256]);
                layers.Add(new Conv2D(filters, 3, padding: Padding.Same, activation: Activations.Swish));
                layers.Add(new BatchNormalization());
                if (hp.Boolean($"use_se_{i}"))
                    layers.Add(new SqueezeExcitation(null, Math.Max(1, filters / 16)));
                if (size >= 2)
                {
                    layers.Add(new MaxPooling2D(2));
                    size /= 2;
                }
                layers.Add(new Dropout(hp.Float($"dropout_{i}", 0.1, 0.5, step: 0.1)));
            }
        }
        layers.Add(new GlobalAveragePooling2D());
        layers.Add(new Dense(classes, Activations.Softmax));
        double learningRate = hp.Float("lr", 1e-4, 1e-2, sampling: Sampling.Log);
        var model = new Sequential(layers, seed: hp.Seed);
        model.Compile(new Adam(learningRate), Losses.SparseCategoricalCrossentropy(), [Metrics.Accuracy]);
        return model;
    }
}
