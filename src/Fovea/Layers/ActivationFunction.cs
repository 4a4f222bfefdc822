using Fovea.Autograd;
using Fovea.Autograd.Functions;
using Fovea.Tensors;

namespace Fovea.Layers;

/// <summary>
/// An activation usable in a layer's <c>activation:</c> argument or an <see cref="Activation"/> layer.
/// The instances live in <see cref="Activations"/>.
/// </summary>
public sealed class ActivationFunction
{
    private readonly Func<Tensor, Tensor> _apply;

    internal ActivationFunction(string name, Func<Tensor, Tensor> apply, float alpha = 0f, ActivationKind? kind = null)
    {
        Name = name;
        _apply = apply;
        Alpha = alpha;
        Kind = kind;
    }

    /// <summary>The elementwise kernel behind this activation, when there is one (enables fusion with BatchNorm).</summary>
    internal ActivationKind? Kind { get; }

    /// <summary>Config name (Keras spelling: "relu", "swish", "softmax", ...).</summary>
    public string Name { get; }

    /// <summary>The slope of LeakyReLU or the α of ELU; 0 otherwise.</summary>
    public float Alpha { get; }

    /// <summary>
    /// The activation of a Keras name (<see cref="Activations.FromName"/>), so that layers take names as Keras's do:
    /// <c>new Activation("swish")</c>, <c>new Dense(128, activation: "relu")</c>.
    /// </summary>
    /// <exception cref="FoveaException">The name is unknown.</exception>
    public static implicit operator ActivationFunction(string name) => FromName(name);

    /// <summary>The activation of a Keras name (<see cref="Activations.FromName"/>).</summary>
    public static ActivationFunction FromName(string name) => Activations.FromName(name);
    /// <summary>Whether <see cref="Alpha"/> is an argument of this activation (LeakyReLU, ELU), written to configs as
    /// "activation_alpha".</summary>
    internal bool HasAlpha => Kind is ActivationKind.LeakyRelu or ActivationKind.Elu;

    public Tensor Apply(Tensor x) => _apply(x);

    public override string ToString() => Name;
}
