using Fovea.Models;

namespace Fovea.Tuning;

/// <summary>A <see cref="Tuner"/> driven by Bayesian optimisation with a Gaussian process (KerasTuner's <c>BayesianOptimization</c>); see <see cref="BayesianOptimizationOracle"/>.</summary>
public sealed class BayesianOptimization(Func<HyperParameters, Model> buildModel, Objective objective, int maxTrials, int seed = 0, int? numInitialPoints = null, Acquisition acquisition = Acquisition.ExpectedImprovement,
    string? directory = null, string? projectName = null, Pruner? pruner = null, bool overwrite = false,
    HyperParameters? hyperparameters = null)
    : Tuner(buildModel, new BayesianOptimizationOracle(seed, numInitialPoints, acquisition), objective, maxTrials, directory, projectName, pruner, overwrite, hyperparameters);
