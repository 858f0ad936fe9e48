using Pixelated.MigrationPipeline.Components.Hosting;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddMigrationPipeline(builder.Configuration);
builder.Services.AddHostedService<DropFolderWatcher>();
builder.Build().Run();
