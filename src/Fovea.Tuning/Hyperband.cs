using Fovea.Models;

namespace Fovea.Tuning;

/// <summary>
/// A <see cref="Tuner"/> running Hyperband (KerasTuner's <c>Hyperband</c>; see <see cref="HyperbandOracle"/>): the
/// epochs of each trial come from the bracket schedule, promoted trials resume from their parent's weights.
/// <c>maxTrials</c> defaults to one full schedule (30 trials for maxEpochs 10, factor 3).
/// </summary>
public sealed class Hyperband(Func<HyperParameters, Model> buildModel, Objective objective, int maxEpochs, int factor = 3,
    int hyperbandIterations = 1, int seed = 0, int? maxTrials = null, string? directory = null, string? projectName = null,
    bool overwrite = false, HyperParameters? hyperparameters = null)
    : Tuner(buildModel, new HyperbandOracle(maxEpochs, factor, hyperbandIterations, seed), objective,
        maxTrials ?? new HyperbandOracle(maxEpochs, factor, hyperbandIterations, seed).TrialsPerSearch(), directory,
        projectName, pruner: null, overwrite, hyperparameters);
