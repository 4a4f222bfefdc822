using Fovea.Tuning;

// Usage: Fovea.Tuning.TestHost <study folder> <max trials> <seed> <milliseconds per epoch> [random|tpe|bayesian]
// Each trial "trains" 3 epochs of Branin (sleeping between epochs), reporting after each, then finishes.
string folder = args[0];
int maxTrials = int.Parse(args[1]);
int seed = int.Parse(args[2]);
int epochMs = int.Parse(args[3]);
Oracle oracle = (args.Length > 4 ? args[4] : "random") switch
{
    "tpe" => new TpeOracle(seed),
    "bayesian" => new BayesianOptimizationOracle(seed),
    _ => new RandomSearchOracle(seed),
};
using var study = new Study(oracle, "loss", maxTrials, folder);
int ran = 0;
while (study.Ask() is { } trial)
{
    var hp = study.HyperParametersFor(trial);
    double x1 = hp.Float("x1", -5, 10), x2 = hp.Float("x2", 0, 15);
    double q = x2 - 5.1 / (4 * Math.PI * Math.PI) * x1 * x1 + 5 / Math.PI * x1 - 6;
    double y = q * q + 10 * (1 - 1 / (8 * Math.PI)) * Math.Cos(x1) + 10;
    for (int epoch = 1; epoch <= 3; epoch++)
    {
        Thread.Sleep(epochMs);
        study.Report(trial, epoch, y + 3 - epoch);
    }
    study.Tell(trial, y, values: hp.Values);
    ran++;
}
Console.WriteLine($"worker {Environment.ProcessId} ran {ran} trials; study has {study.FinishedCount} finished");
