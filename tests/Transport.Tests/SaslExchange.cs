using LibvirtRemote.Transport.Sasl;
using LibvirtRemote.Transport.Sasl.Server;

namespace LibvirtRemote.Transport.Tests;

/// <summary>Runs a client mechanism against a server mechanism the way libvirt's START/STEP calls carry them.</summary>
internal static class SaslExchange
{
    public static SaslServerStep Run(ISaslClientMechanism client, ISaslServerMechanism server)
    {
        SaslServerStep step = server.Step(client.InitialResponse());
        for (int round = 0; step.Outcome == SaslStepOutcome.Continue; round++)
        {
            if (round == 10)
            {
                throw new InvalidOperationException("The exchange does not end");
            }

            step = server.Step(client.EvaluateChallenge(step.Data ?? []));
        }

        if (step.Outcome == SaslStepOutcome.Success && !client.IsComplete && step.Data is { Length: > 0 } last)
        {
            client.EvaluateChallenge(last);
        }

        return step;
    }
}
