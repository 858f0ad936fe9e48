namespace Pixelated.MemoryService.Application.Memory;

/// <summary>Registers the memory operations (messages, history, records, stats, deletion), shared by the HTTP routes and MCP tools.</summary>
public static class MemoryOperations
{
    public static IServiceCollection AddMemoryOperations(this IServiceCollection services)
    {
        services.AddScoped<SessionAccess>();
        services.AddScoped<MessageWriter>();
        services.AddScoped<HistoryReader>();
        services.AddScoped<RecordWriter>();
        services.AddScoped<RecordReader>();
        services.AddScoped<MemoryStats>();
        services.AddScoped<MemoryDeletion>();
        return services;
    }
}
