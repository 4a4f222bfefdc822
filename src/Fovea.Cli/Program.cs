using Fovea.Cli;

return CliRunner.Run(FoveaCommand.Create(), args);
