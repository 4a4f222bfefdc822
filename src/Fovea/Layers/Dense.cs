using System.Text.Json.Nodes;
using Fovea.Autograd;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// Fully connected layer (Keras <c>Dense</c>): [..., in] → [..., units], y = x·Wᵀ + b with the kernel stored
/// [units, in] (PyTorch's Linear layout, so weights load from PyTorch and ONNX without transposes).
/// </summary>
[RegisterLayer]
public sealed class Dense : Layer
{
    public Dense(int units, ActivationFunction? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, Regularizer? kernelRegularizer = null,
        string? name = null)
        : base(name)
    {
        if (units <= 0)
            throw new ArgumentOutOfRangeException(nameof(units), $"Dense: units must be positive, received {units}");
        Units = units;
        Activation = activation;
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? Initializers.GlorotUniform;
        BiasInitializer = biasInitializer ?? Initializers.Zeros;
        KernelRegularizer = kernelRegularizer;
    }

    public int Units { get; }
    public ActivationFunction? Activation { get; }
    public bool UseBias { get; }
    public Initializer KernelInitializer { get; }
    public Initializer BiasInitializer { get; }
    public Regularizer? KernelRegularizer { get; }

    /// <summary>[units, inFeatures].</summary>
    public Parameter Kernel { get; private set; } = null!;

    public Parameter? Bias { get; private set; }

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 2)
            throw ShapeError("[N, features]", inputShape);
        Kernel = AddWeight("kernel", [Units, inputShape[-1]], KernelInitializer, regularizer: KernelRegularizer);
        Bias = UseBias ? AddWeight("bias", [Units], BiasInitializer) : null;
    }

    protected override Shape? ComputeOutputShape(Shape inputShape)
    {
        if (inputShape.Rank < 2 || inputShape[-1] != Kernel.Shape[1])
            throw ShapeError($"[N, {Kernel.Shape[1]}]", inputShape);
        return inputShape.With(inputShape.Rank - 1, Units);
    }

    protected override Tensor Forward(Tensor x, bool training)
    {
        if (x.Rank < 2 || x.Shape[-1] != Kernel.Shape[1])
            throw ShapeError($"[N, {Kernel.Shape[1]}]", x.Shape);
        var y = Functional.Linear(x, Kernel, Bias);
        return Activation is null ? y : Activation.Apply(y);
    }

    public override JsonObject GetConfig()
    {
        var c = base.GetConfig();
        c["units"] = Units;
        LayerConfig.WriteActivation(c, Activation);
        c["use_bias"] = UseBias;
        c["kernel_initializer"] = KernelInitializer.GetConfig();
        c["bias_initializer"] = BiasInitializer.GetConfig();
        if (KernelRegularizer is not null)
            c["kernel_regularizer"] = KernelRegularizer.GetConfig();
        return c;
    }

    public static Dense FromConfig(JsonObject c) => LayerConfig.Common(new Dense(c["units"]!.GetValue<int>(),
        LayerConfig.ReadActivation(c), LayerConfig.Read(c, "use_bias", true), Initializers.FromConfig(c["kernel_initializer"]),
        Initializers.FromConfig(c["bias_initializer"]), Regularizers.FromConfig(c["kernel_regularizer"]),
        LayerConfig.Name(c)), c);
}
