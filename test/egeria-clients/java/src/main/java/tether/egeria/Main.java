package tether.egeria;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.odpi.openmetadata.adminservices.client.IntegrationDaemonConfigurationClient;
import org.odpi.openmetadata.adminservices.configuration.properties.IntegrationGroupConfig;
import org.odpi.openmetadata.frameworks.connectors.ffdc.OCFCheckedExceptionBase;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs the steps read from stdin (a JSON array of string arrays, `[["configure", group, metadataServer, platformURL],
 * ["status"], …]`) against one integration daemon server, each through Egeria's own client code, and prints one JSON
 * report: per step, what Egeria's classes returned or which Egeria exception they threw.
 *
 * Arguments: platformURL serverName adminUserId connectionUserId connectionPassword (Egeria's clients authenticate
 * with HTTP Basic: the connection user id and password).
 */
public final class Main
{
    private static final ObjectMapper json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private final IntegrationDaemonConfigurationClient admin;
    private final IntegrationDaemonRuntime             runtime;

    private Main(String platformURL, String serverName, String adminUserId, String connectionUserId, String connectionPassword) throws Exception
    {
        this.admin = new IntegrationDaemonConfigurationClient(adminUserId, serverName, platformURL, connectionUserId, connectionPassword);
        this.runtime = new IntegrationDaemonRuntime(serverName, platformURL, adminUserId, connectionUserId, connectionPassword);
    }

    public static void main(String[] args) throws Exception
    {
        if (args.length != 5)
        {
            System.err.println("usage: Main platformURL serverName adminUserId connectionUserId connectionPassword < steps.json");
            System.exit(2);
        }
        Main probe = new Main(args[0], args[1], args[2], args[3], args[4]);
        String[][] steps = json.readValue(System.in, String[][].class);
        ArrayNode report = json.createArrayNode();
        for (String[] step : steps)
        {
            report.add(probe.run(step));
        }
        System.out.println(json.writeValueAsString(report));
    }

    /** One step: `{step, ok: true, value}` or `{step, ok: false, exception, httpCode, messageId, …}`. */
    private ObjectNode run(String[] step)
    {
        ObjectNode result = json.createObjectNode();
        result.putPOJO("step", step);
        try
        {
            result.putPOJO("value", call(step));
            result.put("ok", true);
        }
        catch (Throwable error)
        {
            result.put("ok", false);
            describe(error, result);
        }
        return result;
    }

    private Object call(String[] step) throws Exception
    {
        String name = step[0];
        switch (name)
        {
            case "configure":
                admin.configureIntegrationGroup(groupConfig(step[1], step[2], step[3]));
                return null;
            case "configureAll":
                List<IntegrationGroupConfig> configs = new ArrayList<>();
                for (int i = 1; i + 2 < step.length; i += 3)
                {
                    configs.add(groupConfig(step[i], step[i + 1], step[i + 2]));
                }
                admin.setIntegrationGroupsConfig(configs);
                return null;
            case "listGroups":
                return admin.getIntegrationGroupsConfiguration();
            case "removeGroup":
                admin.clearIntegrationGroup(step[1]);
                return null;
            case "removeAllGroups":
                admin.clearAllIntegrationGroups();
                return null;
            // Egeria 4.x's integration services (OMIS), which Tether does not run (test/egeria-clients/collections.json).
            case "integrationServices":
                return admin.getConfiguredIntegrationServices();
            case "configureIntegrationService":
                admin.configureIntegrationService(step[1], step[2], step[3], null, new ArrayList<>());
                return null;
            case "status":
                return runtime.status();
            case "awaitRunning":
                return runtime.awaitRunning(Integer.parseInt(step[1]), Long.parseLong(step[2]) * 1000L);
            case "groupSummary":
                return runtime.groupSummary(step[1]);
            case "groupSummaries":
                return runtime.groupSummaries();
            case "refreshConfig":
                runtime.refreshConfig(step[1]);
                return null;
            case "refresh":
                runtime.refreshConnectors(step.length > 1 ? step[1] : null);
                return null;
            case "restart":
                runtime.restartConnectors(step.length > 1 ? step[1] : null);
                return null;
            case "properties":
                return runtime.configurationProperties(step[1]);
            case "updateProperties":
                @SuppressWarnings("unchecked")
                Map<String, Object> properties = json.readValue(step[2], Map.class);
                runtime.updateConfigurationProperties(step[1], Boolean.parseBoolean(step[3]), properties);
                return null;
            case "validate":
                return runtime.validateConnector(step[1]);
            default:
                throw new IllegalArgumentException("unknown step " + name);
        }
    }

    private static IntegrationGroupConfig groupConfig(String qualifiedName, String metadataServerName, String metadataPlatformURL)
    {
        IntegrationGroupConfig config = new IntegrationGroupConfig();
        config.setIntegrationGroupQualifiedName(qualifiedName);
        config.setOMAGServerName(metadataServerName);
        config.setOMAGServerPlatformRootURL(metadataPlatformURL);
        return config;
    }

    /** What a user of Egeria's client sees of an exception: its class and, for Egeria's checked exceptions, the FFDC fields. */
    private static void describe(Throwable error, ObjectNode result)
    {
        result.put("exception", error.getClass().getName());
        result.put("message", error.getMessage());
        if (error instanceof OCFCheckedExceptionBase)
        {
            OCFCheckedExceptionBase ffdc = (OCFCheckedExceptionBase) error;
            result.put("httpCode", ffdc.getReportedHTTPCode());
            result.put("messageId", ffdc.getReportedErrorMessageId());
            result.put("reportedMessage", ffdc.getReportedErrorMessage());
            result.put("actionDescription", ffdc.getReportingActionDescription());
            result.put("systemAction", ffdc.getReportedSystemAction());
            result.put("userAction", ffdc.getReportedUserAction());
            result.putPOJO("relatedProperties", ffdc.getRelatedProperties());
            if (ffdc instanceof org.odpi.openmetadata.frameworks.connectors.ffdc.InvalidParameterException)
            {
                result.put("parameterName", ((org.odpi.openmetadata.frameworks.connectors.ffdc.InvalidParameterException) ffdc).getParameterName());
            }
        }
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root)
        {
            root = root.getCause();
        }
        if (root != error)
        {
            result.put("rootCause", root.getClass().getName() + ": " + root.getMessage());
        }
    }
}
