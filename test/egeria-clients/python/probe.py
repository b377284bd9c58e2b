"""
Drives a running Tether with pyegeria (Egeria's Python client; 1.5.1.0.23, the last release whose ServerOps and
CoreServerConfig call the integration daemon's runtime and admin paths directly rather than through a view server).

Usage: probe.py platformURL serverName userId token < steps.json
Steps (a JSON array of string arrays) as in the Java probe; prints one JSON report: per step, what pyegeria returned
or which pyegeria exception it raised (with the FFDC envelope it parsed).
"""
import json
import sys

from pyegeria import CoreServerConfig, FullServerConfig, ServerOps
from pyegeria._exceptions import EgeriaException

platform_url, server_name, user_id, token = sys.argv[1:5]

config = CoreServerConfig(server_name, platform_url, user_id)
full_config = FullServerConfig(server_name, platform_url, user_id)
ops = ServerOps(server_name, platform_url, user_id)
for client in (config, full_config, ops):
    client.set_bearer_token(token)


def group_body(qualified_name, metadata_server, metadata_platform):
    return {
        "class": "IntegrationGroupConfig",
        "omagserverName": metadata_server,
        "omagserverPlatformRootURL": metadata_platform,
        "integrationGroupQualifiedName": qualified_name,
    }


def call(step):
    name, args = step[0], step[1:]
    if name == "configure":
        return config.config_integration_group(args[1], args[2], args[0])
    if name == "configureAll":
        bodies = [group_body(*args[i : i + 3]) for i in range(0, len(args), 3)]
        return full_config.set_integration_groups_config(bodies)
    if name == "listGroups":
        return config.get_integration_groups_config()
    if name == "removeAllGroups":
        return config.clear_all_integration_groups()
    if name == "status":
        return ops.get_integration_daemon_status()
    if name == "properties":
        return ops.get_connector_config(args[0])
    if name == "refresh":
        return ops.refresh_integration_connectors(args[0] if args else "all")
    if name == "restart":
        return ops.restart_integration_connector(args[0] if args else None)
    if name == "configureIntegrationService":
        # An integration service (OMIS), which Tether does not run: args are marker, metadata server, its platform.
        return full_config.config_integration_service(args[1], args[2], args[0], {}, [])
    raise ValueError(f"unknown step {name}")


def run(step):
    try:
        value = call(step)
        # Some calls hand back the httpx response itself.
        if hasattr(value, "json") and callable(value.json):
            value = value.json()
        return {"step": step, "ok": True, "value": value}
    except EgeriaException as error:
        return {
            "step": step,
            "ok": False,
            "exception": type(error).__name__,
            "relatedHTTPCode": error.related_http_code,
            "exceptionClassName": error.exception_class_name,
            "messageId": error.exception_error_message_id,
            "message": error.exception_error_message,
        }
    except Exception as error:  # anything else is a failure of the client itself: report it as such
        return {"step": step, "ok": False, "exception": type(error).__name__, "message": str(error)}


steps = json.load(sys.stdin)
print(json.dumps([run(step) for step in steps], default=str))
