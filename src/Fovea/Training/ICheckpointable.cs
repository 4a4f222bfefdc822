using System.Text.Json.Nodes;

namespace Fovea.Training;

/// <summary>
/// A callback whose state must survive an interruption (best value so far, patience counters, averaged weights, ...):
/// <see cref="BackupAndRestore"/> stores it in its checkpoint and gives it back when the run resumes.
/// </summary>
public interface ICheckpointable
{
    /// <summary>Small values as JSON, large ones as named float arrays.</summary>
    (JsonObject Values, IReadOnlyDictionary<string, float[]> Arrays) GetState();

    void SetState(JsonObject values, IReadOnlyDictionary<string, float[]> arrays);
}
