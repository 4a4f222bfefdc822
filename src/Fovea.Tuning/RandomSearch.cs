using Fovea.Models;

namespace Fovea.Tuning;

/// <summary>A <see cref="Tuner"/> driven by random search (KerasTuner's <c>RandomSearch</c>); see <see cref="RandomSearchOracle"/>.</summary>
public sealed class RandomSearch(Func<HyperParameters, Model> buildModel, Objective objective, int maxTrials, int seed = 0,
    string? directory = null, string? projectName = null, Pruner? pruner = null, bool overwrite = false,
    HyperParameters? hyperparameters = null)
    : Tuner(buildModel, new RandomSearchOracle(seed), objective, maxTrials, directory, projectName, pruner, overwrite, hyperparameters);
