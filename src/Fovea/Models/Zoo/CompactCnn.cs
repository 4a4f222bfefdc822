using Fovea.Layers;

namespace Fovea.Models.Zoo;

/// <summary>
/// A compact VGG-style CNN for small greyscale or colour images (28×28 Fashion-MNIST, 32×32 CIFAR), the model of
/// <c>fovea train --recipe strong</c>: three blocks of two Conv(3×3, same)-BN-SiLU (32, 64 and 128 filters), each
/// followed by 2×2 max pooling and light dropout, then Flatten, Dense(256, SiLU), dropout and a softmax classifier.
/// Unlike <see cref="ReferenceCnn"/> it keeps the spatial layout of the last feature map (flatten, not global
/// pooling), which matters on centred images where position carries class information.
/// </summary>
public static class CompactCnn
{
    /// <summary>Builds the model. <paramref name="dropout"/> is the rate after each block (the head uses twice
    /// it, capped at 0.5); <paramref name="width"/> multiplies every block's filter count.</summary>
    public static Sequential Create(int classes = 10, int seed = 0, int[]? inputShape = null, double dropout = 0.1,
        int width = 32, int hidden = 256)
    {
        var layers = new List<Layer>();
        foreach (int filters in new[] { width, 2 * width, 4 * width })
        {
            for (int i = 0; i < 2; i++)
            {
                layers.Add(new Conv2D(filters, 3, padding: Padding.Same));
                layers.Add(new BatchNormalization());
                layers.Add(new Activation(Activations.Swish));
            }
            layers.Add(new MaxPooling2D(2));
            if (dropout > 0)
                layers.Add(new Dropout(dropout));
        }
        layers.Add(new Flatten());
        layers.Add(new Dense(hidden, Activations.Swish));
        layers.Add(new Dropout(Math.Min(0.5, 2 * dropout)));
        layers.Add(new Dense(classes, Activations.Softmax));
        return new Sequential(layers, "compact_cnn", seed, inputShape);
    }
}
