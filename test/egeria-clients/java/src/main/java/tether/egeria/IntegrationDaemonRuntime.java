package tether.egeria;

import org.odpi.openmetadata.commonservices.ffdc.rest.ConnectorReportResponse;
import org.odpi.openmetadata.commonservices.ffdc.rest.FFDCRESTClient;
import org.odpi.openmetadata.commonservices.ffdc.rest.FFDCResponseBase;
import org.odpi.openmetadata.commonservices.ffdc.rest.NameRequestBody;
import org.odpi.openmetadata.commonservices.ffdc.rest.PropertiesResponse;
import org.odpi.openmetadata.commonservices.ffdc.rest.VoidResponse;
import org.odpi.openmetadata.frameworks.connectors.ffdc.InvalidParameterException;
import org.odpi.openmetadata.frameworks.connectors.ffdc.PropertyServerException;
import org.odpi.openmetadata.frameworks.connectors.ffdc.UserNotAuthorizedException;
import org.odpi.openmetadata.governanceservers.integrationdaemonservices.properties.IntegrationConnectorReport;
import org.odpi.openmetadata.governanceservers.integrationdaemonservices.properties.IntegrationConnectorStatus;
import org.odpi.openmetadata.governanceservers.integrationdaemonservices.properties.IntegrationGroupSummary;
import org.odpi.openmetadata.governanceservers.integrationdaemonservices.rest.ConnectorConfigPropertiesRequestBody;
import org.odpi.openmetadata.governanceservers.integrationdaemonservices.rest.IntegrationDaemonStatusResponse;
import org.odpi.openmetadata.governanceservers.integrationdaemonservices.rest.IntegrationGroupSummariesResponse;
import org.odpi.openmetadata.governanceservers.integrationdaemonservices.rest.IntegrationGroupSummaryResponse;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The integration daemon's runtime calls (IntegrationDaemonResource's paths, in the `/users/{userId}` form Egeria 4.x
 * clients call), made the way Egeria's own clients make them: FFDCRESTClient (Spring RestTemplate underneath) reads
 * each answer into Egeria's response bean, and RESTExceptionHandler turns an FFDC error envelope into Egeria's
 * InvalidParameterException / UserNotAuthorizedException / PropertyServerException. Egeria published no
 * integration-daemon-services-client jar for 4.x, so only this thin layer is ours; every class it reads answers into
 * is Egeria's.
 */
final class IntegrationDaemonRuntime extends FFDCRESTClient
{
    private static final String root = "/servers/{0}/open-metadata/integration-daemon/users/{1}";

    private final String userId;

    IntegrationDaemonRuntime(String serverName, String platformURL, String userId, String connectionUserId, String connectionPassword)
            throws InvalidParameterException
    {
        super(serverName, platformURL, connectionUserId, connectionPassword);
        this.userId = userId;
    }

    private String url(String path)
    {
        return serverPlatformURLRoot + root + path;
    }

    /** A GET read into `responseClass`, its envelope checked by Egeria's exception handler. */
    private <T extends FFDCResponseBase> T get(String methodName, Class<T> responseClass, String path, Object... pathParameters)
            throws InvalidParameterException, UserNotAuthorizedException, PropertyServerException
    {
        T response = callGetRESTCall(methodName, responseClass, url(path), parameters(pathParameters));
        exceptionHandler.detectAndThrowStandardExceptions(methodName, response);
        return response;
    }

    private Object[] parameters(Object... rest)
    {
        Object[] all = new Object[rest.length + 2];
        all[0] = serverName;
        all[1] = userId;
        System.arraycopy(rest, 0, all, 2, rest.length);
        return all;
    }

    Map<String, Object> status() throws Exception
    {
        IntegrationDaemonStatusResponse response = get("getIntegrationDaemonStatus", IntegrationDaemonStatusResponse.class, "/status");
        List<Map<String, Object>> groups = new ArrayList<>();
        if (response.getIntegrationDaemonStatus() != null && response.getIntegrationDaemonStatus().getIntegrationGroupSummaries() != null)
        {
            for (IntegrationGroupSummary group : response.getIntegrationDaemonStatus().getIntegrationGroupSummaries())
            {
                groups.add(group(group));
            }
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("groups", groups);
        return status;
    }

    /** Polls status until `count` connectors read RUNNING in Egeria's enum (Egeria's client sees nothing else). */
    Map<String, Object> awaitRunning(int count, long timeoutMillis) throws Exception
    {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        for (;;)
        {
            Map<String, Object> status = status();
            int running = 0;
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> groups = (List<Map<String, Object>>) status.get("groups");
            for (Map<String, Object> group : groups)
            {
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> connectors = (List<Map<String, Object>>) group.get("connectors");
                for (Map<String, Object> connector : connectors)
                {
                    if (IntegrationConnectorStatus.RUNNING.name().equals(connector.get("connectorStatus")) && connector.get("lastRefreshTime") != null)
                    {
                        running++;
                    }
                }
            }
            if (running >= count || System.currentTimeMillis() > deadline)
            {
                status.put("running", running);
                return status;
            }
            Thread.sleep(250);
        }
    }

    Map<String, Object> groupSummary(String groupName) throws Exception
    {
        IntegrationGroupSummaryResponse response = get("getIntegrationGroupSummary", IntegrationGroupSummaryResponse.class,
                                                       "/integration-groups/{2}/summary", groupName);
        return group(response.getIntegrationGroupSummary());
    }

    List<Map<String, Object>> groupSummaries() throws Exception
    {
        IntegrationGroupSummariesResponse response = get("getIntegrationGroupSummaries", IntegrationGroupSummariesResponse.class,
                                                         "/integration-groups/summary");
        List<Map<String, Object>> groups = new ArrayList<>();
        if (response.getIntegrationGroupSummaries() != null)
        {
            for (IntegrationGroupSummary group : response.getIntegrationGroupSummaries())
            {
                groups.add(group(group));
            }
        }
        return groups;
    }

    void refreshConfig(String groupName) throws Exception
    {
        callVoidGetRESTCall("refreshIntegrationGroupConfig", url("/integration-groups/{2}/refresh-config"), parameters(groupName));
    }

    void refreshConnectors(String connectorName) throws Exception
    {
        callVoidPostRESTCall("refreshConnectors", url("/integration-connectors/refresh"), nameRequestBody(connectorName), parameters());
    }

    void restartConnectors(String connectorName) throws Exception
    {
        callVoidPostRESTCall("restartConnectors", url("/integration-connectors/restart"), nameRequestBody(connectorName), parameters());
    }

    Map<String, Object> configurationProperties(String connectorName) throws Exception
    {
        PropertiesResponse response = get("getConfigurationProperties", PropertiesResponse.class,
                                          "/integration-connectors/{2}/configuration-properties", connectorName);
        return response.getProperties();
    }

    void updateConfigurationProperties(String connectorName, boolean mergeUpdate, Map<String, Object> properties) throws Exception
    {
        ConnectorConfigPropertiesRequestBody body = new ConnectorConfigPropertiesRequestBody();
        body.setConnectorName(connectorName);
        body.setMergeUpdate(mergeUpdate);
        body.setConfigurationProperties(properties);
        VoidResponse response = callPostRESTCall("updateConfigurationProperties", VoidResponse.class,
                                                 url("/integration-connectors/configuration-properties"), body, parameters());
        exceptionHandler.detectAndThrowStandardExceptions("updateConfigurationProperties", response);
    }

    Map<String, Object> validateConnector(String connectorProviderClassName) throws Exception
    {
        ConnectorReportResponse response = get("validateConnector", ConnectorReportResponse.class, "/validate-connector/{2}", connectorProviderClassName);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("connectorProviderClassName", response.getConnectorReport().getConnectorType().getConnectorProviderClassName());
        report.put("refreshTimeInterval", response.getConnectorReport().getRefreshTimeInterval());
        return report;
    }

    /** Egeria's clients send a NameRequestBody whose name is null (left out) to mean every connector. */
    private static NameRequestBody nameRequestBody(String connectorName)
    {
        NameRequestBody body = new NameRequestBody();
        body.setName(connectorName);
        return body;
    }

    /** The bean as its getters read it: an enum that failed to map would have failed the call already. */
    private static Map<String, Object> group(IntegrationGroupSummary summary)
    {
        Map<String, Object> group = new LinkedHashMap<>();
        group.put("integrationGroupName", summary.getIntegrationGroupName());
        group.put("integrationGroupStatus", summary.getIntegrationGroupStatus() == null ? null : summary.getIntegrationGroupStatus().name());
        List<Map<String, Object>> connectors = new ArrayList<>();
        if (summary.getIntegrationConnectorReports() != null)
        {
            for (IntegrationConnectorReport report : summary.getIntegrationConnectorReports())
            {
                Map<String, Object> connector = new LinkedHashMap<>();
                connector.put("connectorId", report.getConnectorId());
                connector.put("connectorName", report.getConnectorName());
                connector.put("connectorStatus", report.getConnectorStatus() == null ? null : report.getConnectorStatus().name());
                connector.put("lastStatusChange", iso(report.getLastStatusChange()));
                connector.put("lastRefreshTime", iso(report.getLastRefreshTime()));
                connector.put("minMinutesBetweenRefresh", report.getMinMinutesBetweenRefresh());
                connector.put("failingExceptionMessage", report.getFailingExceptionMessage());
                connectors.add(connector);
            }
        }
        group.put("connectors", connectors);
        return group;
    }

    private static String iso(Date date)
    {
        return date == null ? null : date.toInstant().toString();
    }
}
