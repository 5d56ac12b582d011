using Customer360Portal.Core.Ingestion.Normalisation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Customer360Portal.Core.Ingestion;

public static class IntakeSetup
{
    /// <summary>Intake: normalisation, the single writer, the pipeline and the source registry.</summary>
    public static IHostApplicationBuilder AddIntake(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddOptions<NormalisationOptions>().BindConfiguration("Intake:Normalisation").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton(sp => new RecordNormaliser(sp.GetRequiredService<IOptions<NormalisationOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        // Intake checks every record against the suppression list of erased people.
        builder.Services.AddOptions<Privacy.PrivacyOptions>().BindConfiguration(Privacy.PrivacyOptions.Section);
        builder.Services.TryAddSingleton<Privacy.SuppressionList>();
        builder.Services.AddSingleton<IntakeWriter>();
        builder.Services.AddSingleton<IntakePipeline>();
        builder.Services.AddSingleton<SourceRegistry>();
        builder.Services.AddSingleton<QuarantineService>();
        return builder;
    }
}
