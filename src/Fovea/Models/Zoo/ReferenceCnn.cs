using Fovea.Layers;

namespace Fovea.Models.Zoo;

/// <summary>
/// The "modern CNN" of the users' walkthrough (seed guide, Part 2), adapted to any input size and channel count:
/// three blocks Conv-BN-SiLU (32, 32 → pool, dropout 0.25; 64, 64 → pool, dropout 0.25; 128), global average pooling,
/// Dense(128, SiLU, L2 1e−4), dropout 0.5 and a softmax classifier. 3×3 convolutions with "same" padding and bias,
/// BatchNorm with Keras defaults (momentum 0.99, ε 1e−3). 157,290 trainable parameters for 1 input channel.
/// </summary>
public static class ReferenceCnn
{
    /// <summary>Builds the model; <paramref name="kernelInitializer"/> replaces the Glorot-uniform default of every
    /// convolution and dense kernel (e.g. <see cref="Initializers.TorchDefault"/> to match a PyTorch run).</summary>
    public static Sequential Create(int classes = 10, int seed = 0, int[]? inputShape = null, double l2 = 1e-4,
        Initializer? kernelInitializer = null)
    {
        var layers = new List<Layer>();
        void ConvBlock(int filters)
        {
            layers.Add(new Conv2D(filters, 3, padding: Padding.Same, kernelInitializer: kernelInitializer));
            layers.Add(new BatchNormalization());
            layers.Add(new Activation(Activations.Swish));
        }
        ConvBlock(32);
        ConvBlock(32);
        layers.Add(new MaxPooling2D(2));
        layers.Add(new Dropout(0.25));
        ConvBlock(64);
        ConvBlock(64);
        layers.Add(new MaxPooling2D(2));
        layers.Add(new Dropout(0.25));
        ConvBlock(128);
        layers.Add(new GlobalAveragePooling2D());
        layers.Add(new Dense(128, Activations.Swish, kernelRegularizer: l2 > 0 ? Regularizers.L2(l2) : null,
            kernelInitializer: kernelInitializer));
        layers.Add(new Dropout(0.5));
        layers.Add(new Dense(classes, Activations.Softmax, kernelInitializer: kernelInitializer));
        return new Sequential(layers, "reference_cnn", seed, inputShape);
    }
}
