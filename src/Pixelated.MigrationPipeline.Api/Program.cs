using Pixelated.MigrationPipeline.Api.Hosting;

var app = await MigrationApi.BuildAsync(args);
await app.RunAsync();
