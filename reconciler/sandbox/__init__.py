"""The sandbox: a faithful local OpsGenie and Slack to rehearse on, and to test against."""
