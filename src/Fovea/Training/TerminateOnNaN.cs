namespace Fovea.Training;

/// <summary>
/// Stops training cleanly when the loss becomes NaN or infinite (Keras <c>TerminateOnNaN</c>): the bad step is not
/// applied, so the weights (and any checkpoint written so far) are the last good ones, and <see cref="Message"/> says
/// where it happened. Without this callback, Fit throws a <see cref="FoveaException"/> instead.
/// </summary>
public sealed class TerminateOnNaN : Callback
{
    /// <summary>Why training stopped, or null.</summary>
    public string? Message { get; private set; }

    public override void OnTrainBegin() => Message = null;

    internal void Terminated(string message) => Message = message;
}
