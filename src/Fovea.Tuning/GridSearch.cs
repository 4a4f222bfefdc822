using Fovea.Models;

namespace Fovea.Tuning;

/// <summary>A <see cref="Tuner"/> driven by grid search over every combination (KerasTuner's <c>GridSearch</c>); see <see cref="GridSearchOracle"/>.</summary>
public sealed class GridSearch(Func<HyperParameters, Model> buildModel, Objective objective, int maxTrials, int seed = 0,
    string? directory = null, string? projectName = null, Pruner? pruner = null, bool overwrite = false,
    HyperParameters? hyperparameters = null)
    : Tuner(buildModel, new GridSearchOracle(seed), objective, maxTrials, directory, projectName, pruner, overwrite, hyperparameters);
