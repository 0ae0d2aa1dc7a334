print("keyplan")
