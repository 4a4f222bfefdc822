using Fovea.Models;

namespace Fovea.Tuning;

/// <summary>A <see cref="Tuner"/> driven by the tree-structured Parzen estimator as Optuna runs it; see <see cref="TpeOracle"/>.</summary>
public sealed class TpeSearch(Func<HyperParameters, Model> buildModel, Objective objective, int maxTrials, int seed = 0,
    string? directory = null, string? projectName = null, Pruner? pruner = null, bool overwrite = false,
    HyperParameters? hyperparameters = null)
    : Tuner(buildModel, new TpeOracle(seed), objective, maxTrials, directory, projectName, pruner, overwrite, hyperparameters);
