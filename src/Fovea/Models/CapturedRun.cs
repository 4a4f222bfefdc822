using Fovea.Tensors;

namespace Fovea.Models;

/// <summary>
/// One forward pass of a model with the outputs of chosen layers kept (<see cref="Model.Capture(Tensor,
/// IEnumerable{string}, bool, bool)"/>). After <c>Backward()</c> of a value computed from <see cref="Outputs"/> (a
/// class score, a loss), the kept outputs and the inputs hold their gradients.
/// </summary>
public sealed class CapturedRun
{
    private readonly string _model;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<Tensor>> _kept;

    internal CapturedRun(string model, IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs,
        IReadOnlyDictionary<string, IReadOnlyList<Tensor>> kept)
    {
        _model = model;
        Inputs = inputs;
        Outputs = outputs;
        _kept = kept;
    }

    /// <summary>The tensors the model ran on: with gradients, leaves that share the given inputs' storage.</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>The model's outputs, in the order of <see cref="Model.Outputs"/>.</summary>
    public IReadOnlyList<Tensor> Outputs { get; }

    /// <summary>The model's only output.</summary>
    public Tensor Output => Outputs.Count == 1 ? Outputs[0] : throw new FoveaException(
        $"model '{_model}' has {Outputs.Count} outputs; use Outputs");

    /// <summary>The names of the kept layers.</summary>
    public IEnumerable<string> LayerNames => _kept.Keys;

    /// <summary>The output of the layer <paramref name="layer"/> (a layer called more than once: see
    /// <see cref="Calls"/>).</summary>
    public Tensor this[string layer]
    {
        get
        {
            var calls = Calls(layer);
            return calls.Count == 1 ? calls[0] : throw new FoveaException(
                $"layer '{layer}' of model '{_model}' is called {calls.Count} times; use Calls(\"{layer}\")");
        }
    }

    /// <summary>The outputs of every call of the layer <paramref name="layer"/>, in execution order.</summary>
    public IReadOnlyList<Tensor> Calls(string layer) =>
        _kept.TryGetValue(layer, out var calls) ? calls : throw new FoveaException(
            $"layer '{layer}' was not captured; captured: {string.Join(", ", _kept.Keys)}");

    /// <summary>The gradient with respect to the layer's output after a backward pass; null before (or when the run
    /// was made without gradients).</summary>
    public Tensor? Gradient(string layer) => this[layer].Grad;

    /// <summary>The gradient with respect to input <paramref name="index"/> after a backward pass; null before.
    /// </summary>
    public Tensor? InputGradient(int index = 0) => Inputs[index].Grad;
}
