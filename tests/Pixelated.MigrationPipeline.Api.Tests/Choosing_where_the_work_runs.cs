using MassTransit;
using MassTransit.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pixelated.MigrationPipeline.Api.Hosting;
using Pixelated.MigrationPipeline.Api.Tests.Support;
using Pixelated.MigrationPipeline.Components.Consumers;

namespace Pixelated.MigrationPipeline.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class Choosing_where_the_work_runs(ApiHost api)
{
    [Fact]
    public void On_the_in_memory_bus_the_api_hosts_the_consumers()
    {
        var consumers = api.Services.GetServices<IConsumerRegistration>().Select(c => c.Type).ToList();
        Assert.Contains(typeof(IngestExportConsumer), consumers);
        Assert.Contains(typeof(MigrateUserConsumer), consumers);
        Assert.Contains(typeof(ValidateUserConsumer), consumers);
    }

    [Fact]
    public async Task On_rabbitmq_the_api_only_publishes_and_leaves_the_work_to_the_workers()
    {
        var settings = ApiHost.Settings(api.Root, api.Emulator);
        settings["Pipeline:Bus"] = "rabbitmq";
        settings["ConnectionStrings:RabbitMq"] = "amqp://guest:guest@127.0.0.1:1/";
        settings["Ledger:Provider"] = "postgres";
        settings["ConnectionStrings:Ledger"] = "Host=127.0.0.1;Port=1;Database=none;Username=none";

        await using var app = await MigrationApi.BuildAsync(["--urls", "http://127.0.0.1:0"], settings); // built, never started

        Assert.Empty(app.Services.GetServices<IConsumerRegistration>());
        Assert.NotNull(app.Services.GetService<IPublishEndpoint>());
    }
}
