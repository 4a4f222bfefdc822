namespace Fovea;

/// <summary>
/// Fovea's own error: bad input a user can fix (a corrupt or truncated file, a shape that does not fit, a missing
/// dataset). The message names the file, layer or shape, says what was received and what was expected.
/// </summary>
public class FoveaException : Exception
{
    public FoveaException(string message)
        : base(message)
    {
    }

    public FoveaException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
