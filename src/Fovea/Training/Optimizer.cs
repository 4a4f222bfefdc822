using Fovea.Tensors;

namespace Fovea.Training;

/// <summary>
/// Updates parameters from their gradients. Keeps per-parameter state (momentum, moments) keyed by parameter;
/// <see cref="LearningRate"/> may change between steps (schedules, ReduceLROnPlateau).
/// </summary>
public abstract class Optimizer
{
    private readonly Dictionary<Parameter, SlotState> _state = new(ReferenceEqualityComparer.Instance);

    protected Optimizer(double learningRate)
    {
        if (!(learningRate > 0))
            throw new ArgumentOutOfRangeException(nameof(learningRate), $"learning rate must be positive, received {learningRate}");
        LearningRate = learningRate;
    }

    /// <summary>The learning rate of the next step.</summary>
    public double LearningRate { get; set; }

    /// <summary>Calls of <see cref="Step"/> so far (restored from checkpoints).</summary>
    public int Iterations { get; set; }

    /// <summary>
    /// Applies one update to every trainable parameter that has a gradient. Each parameter counts its own steps
    /// (as torch.optim does), so a layer unfrozen later starts its bias correction from 1.
    /// </summary>
    public void Step(IEnumerable<Parameter> parameters)
    {
        Iterations++;
        if (ClipValue is not null || ClipNorm is not null)
            ClipGradients(parameters);
        foreach (var p in parameters)
        {
            if (!p.Trainable || p.Grad is null)
                continue;
            if (!_state.TryGetValue(p, out var state))
            {
                var slots = new float[SlotCount][];
                for (int i = 0; i < slots.Length; i++)
                    slots[i] = new float[p.Length];
                state = new SlotState(slots);
                _state[p] = state;
            }
            state.Steps++;
            Update(p.AsSpan(), p.Grad.AsReadOnlySpan(), state.Slots, state.Steps);
        }
    }

    /// <summary>
    /// Rescales all gradients together so that their global L2 norm is at most this value (PyTorch
    /// <c>clip_grad_norm_</c>, Keras <c>global_clipnorm</c>); null turns it off.
    /// </summary>
    public double? ClipNorm { get; set; }

    /// <summary>Clamps every gradient element to [−value, value] (Keras <c>clipvalue</c>); null turns it off.</summary>
    public double? ClipValue { get; set; }

    /// <summary>The global gradient norm before clipping, from the last step that clipped by norm.</summary>
    public double LastGradientNorm { get; private set; }

    private void ClipGradients(IEnumerable<Parameter> parameters)
    {
        var grads = parameters.Where(p => p.Trainable && p.Grad is not null).Select(p => p.Grad!).ToList();
        if (ClipValue is double v)
        {
            foreach (var g in grads)
                System.Numerics.Tensors.TensorPrimitives.Clamp(g.AsSpan(), (float)-v, (float)v, g.AsSpan());
        }
        if (ClipNorm is double maxNorm)
        {
            double sq = 0;
            foreach (var g in grads)
                sq += Kernels.Elementwise.SumOfSquares(g.AsReadOnlySpan());
            LastGradientNorm = Math.Sqrt(sq);
            double scale = maxNorm / (LastGradientNorm + 1e-6);
            if (scale < 1)
            {
                foreach (var g in grads)
                    Kernels.Elementwise.Scale(g.AsReadOnlySpan(), (float)scale, g.AsSpan());
            }
        }
    }

    /// <summary>Clears the gradients of <paramref name="parameters"/>.</summary>
    public static void ZeroGrad(IEnumerable<Parameter> parameters)
    {
        foreach (var p in parameters)
            p.ZeroGrad();
    }

    /// <summary>Number of state arrays per parameter (e.g. 2 for Adam's moments).</summary>
    protected abstract int SlotCount { get; }

    /// <summary>Updates one parameter in place; <paramref name="step"/> counts from 1.</summary>
    protected abstract void Update(Span<float> parameter, ReadOnlySpan<float> gradient, float[][] slots, int step);

    /// <summary>The state arrays and step count of one parameter, for checkpoints (null before its first update).</summary>
    public (IReadOnlyList<float[]> Slots, int Steps)? GetState(Parameter p) =>
        _state.TryGetValue(p, out var s) ? (s.Slots, s.Steps) : null;

    /// <summary>Restores one parameter's state from a checkpoint.</summary>
    public void SetState(Parameter p, float[][] slots, int steps)
    {
        if (slots.Length != SlotCount || slots.Any(s => s.Length != p.Length))
            throw new FoveaException($"optimizer state for '{p.Name}' {p.Shape} does not match {GetType().Name}");
        _state[p] = new SlotState(slots) { Steps = steps };
    }

    private sealed class SlotState(float[][] slots)
    {
        public float[][] Slots { get; } = slots;

        public int Steps { get; set; }
    }
}
