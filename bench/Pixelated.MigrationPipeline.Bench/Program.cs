using Pixelated.MigrationPipeline.Bench;

return await BenchApplication.RunAsync(args);
