namespace Fovea.Autograd;

/// <summary>Whether ops are recorded for autograd on the current thread.</summary>
public static class GradMode
{
    [ThreadStatic]
    private static int t_disabledDepth;

    /// <summary>True unless a <see cref="NoGrad"/> scope is active on this thread.</summary>
    public static bool IsEnabled => t_disabledDepth == 0;

    /// <summary>Turns recording off until the returned scope is disposed (PyTorch's <c>torch.no_grad()</c>).</summary>
    /// <example><code>using (GradMode.NoGrad()) { var y = model.Call(x); }</code></example>
    public static NoGradScope NoGrad()
    {
        t_disabledDepth++;
        return new NoGradScope(active: true);
    }

    /// <summary>Restores recording when disposed.</summary>
    public readonly struct NoGradScope : IDisposable
    {
        private readonly bool _active;

        internal NoGradScope(bool active) => _active = active;

        public void Dispose()
        {
            if (_active)
                t_disabledDepth--;
        }
    }
}
