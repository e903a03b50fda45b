# CHG-1044: the agent should use the SYSTEM account's Windows settings only
Set-OBMachineSetting -NoProxy
Restart-Service obengine
